package dev.palisade.server.keys;

import dev.palisade.eth2.BlsPublicKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The outcome of an import, per file, in the order the files were given. */
public record ImportSummary(
    List<Imported> imported, List<Duplicate> duplicates, List<Failure> failures, Duration elapsed) {

  public ImportSummary {
    imported = List.copyOf(imported);
    duplicates = List.copyOf(duplicates);
    failures = List.copyOf(failures);
  }

  /** Sealed and stored. */
  public record Imported(Path file, BlsPublicKey publicKey) {}

  /** The key was already stored (earlier, or by another file of this import); nothing changed. */
  public record Duplicate(Path file, BlsPublicKey publicKey) {}

  /** Nothing was imported from this file. The reason never holds a password or key material. */
  public record Failure(Path file, Reason reason, String message) {}

  public enum Reason {
    UNREADABLE,
    INVALID_KEYSTORE,
    WRONG_PASSWORD,
    /** The registry refused the key: owned by another operator, no KEK for the operator, or sealing failed. */
    REFUSED,
    /** The key derivation did not fit the decryption memory budget (or waited too long for it). */
    RESOURCE_LIMIT
  }

  public int total() {
    return imported.size() + duplicates.size() + failures.size();
  }
}
