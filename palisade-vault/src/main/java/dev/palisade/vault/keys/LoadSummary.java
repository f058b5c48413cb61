package dev.palisade.vault.keys;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.vault.seal.SealedKeyException;
import java.time.Duration;
import java.util.List;

/** What {@link SealedKeyLoader} did: keys now in the vault, keys it already held, and failures. */
public record LoadSummary(int loaded, int alreadyHeld, List<Failure> failures, Duration elapsed) {
  public LoadSummary {
    failures = List.copyOf(failures);
  }

  /** One record that did not open; its key is not in the vault. */
  public record Failure(BlsPublicKey publicKey, SealedKeyException.Kind kind, String message) {}
}
