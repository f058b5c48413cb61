package dev.palisade.server.keys;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.KeystorePasswords;
import dev.palisade.crypto.ParallelKeystoreDecryptor;
import dev.palisade.eth2.BlsPublicKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code palisade keys import}: many EIP-2335 keystores decrypted in parallel by the shared
 * {@link ParallelKeystoreDecryptor}, each key then imported through the {@link KeyRegistry} exactly as a
 * Keymanager import is (ownership claimed for the operator or refused, sealed under its KEK, audited).
 * A key already sealed for the operator is reported as a duplicate and left as it is.
 */
public final class BulkKeystoreImport {
  private final KeyRegistry registry;
  private final ParallelKeystoreDecryptor decryptor;

  public BulkKeystoreImport(KeyRegistry registry, ParallelKeystoreDecryptor decryptor) {
    this.registry = registry;
    this.decryptor = decryptor;
  }

  private sealed interface Outcome {}

  private record Imported(ImportSummary.Imported imported) implements Outcome {}

  private record Duplicate(ImportSummary.Duplicate duplicate) implements Outcome {}

  private record Failed(ImportSummary.Failure failure) implements Outcome {}

  /** Imports {@code files} for {@code actor}'s operator; one file's failure never stops the others. */
  public ImportSummary importFiles(Actor actor, List<Path> files, KeystorePasswords passwords,
      ImportProgress.Listener progress) throws InterruptedException {
    long started = System.nanoTime();
    AtomicInteger done = new AtomicInteger();
    Runnable fileDone = () -> report(progress, done.incrementAndGet(), files.size(), started);
    List<Outcome> outcomes = decryptor.decryptEach(files, passwords, new ParallelKeystoreDecryptor.Handler<>() {
      @Override
      public Outcome decrypted(Path file, BlsSecretKey key) {
        Outcome outcome = importOne(actor, file, key);
        fileDone.run();
        return outcome;
      }

      @Override
      public Outcome failed(Path file, ParallelKeystoreDecryptor.Failure failure) {
        fileDone.run();
        return new Failed(new ImportSummary.Failure(file, reason(failure.kind()), failure.message()));
      }
    });
    List<ImportSummary.Imported> imported = new ArrayList<>();
    List<ImportSummary.Duplicate> duplicates = new ArrayList<>();
    List<ImportSummary.Failure> failures = new ArrayList<>();
    for (Outcome outcome : outcomes) {
      if (outcome instanceof Imported i) {
        imported.add(i.imported());
      } else if (outcome instanceof Duplicate d) {
        duplicates.add(d.duplicate());
      } else if (outcome instanceof Failed f) {
        failures.add(f.failure());
      }
    }
    return new ImportSummary(imported, duplicates, failures, Duration.ofNanos(System.nanoTime() - started));
  }

  private Outcome importOne(Actor actor, Path file, BlsSecretKey key) {
    BlsPublicKey publicKey = key.publicKey();
    if (registry.isSealedFor(actor.operator(), publicKey)) {
      key.close();
      return new Duplicate(new ImportSummary.Duplicate(file, publicKey));
    }
    KeyRegistry.ImportResult result = registry.importSecret(actor, key, Optional.empty(), null);
    return switch (result.status()) {
      case IMPORTED -> new Imported(new ImportSummary.Imported(file, publicKey));
      case DUPLICATE -> new Duplicate(new ImportSummary.Duplicate(file, publicKey));
      case ERROR -> new Failed(new ImportSummary.Failure(file, ImportSummary.Reason.REFUSED, result.message()));
    };
  }

  private static ImportSummary.Reason reason(ParallelKeystoreDecryptor.Failure.Kind kind) {
    return switch (kind) {
      case UNREADABLE -> ImportSummary.Reason.UNREADABLE;
      case WRONG_PASSWORD -> ImportSummary.Reason.WRONG_PASSWORD;
      case RESOURCE_LIMIT -> ImportSummary.Reason.RESOURCE_LIMIT;
      case INVALID_KEYSTORE -> ImportSummary.Reason.INVALID_KEYSTORE;
    };
  }

  /** Progress from the decrypting threads, one report at a time, {@code done} increasing. */
  private static synchronized void report(ImportProgress.Listener listener, int done, int total, long startedNanos) {
    double seconds = Math.max(1e-9, (System.nanoTime() - startedNanos) / 1e9);
    try {
      listener.onProgress(new ImportProgress(done, total, done / seconds));
    } catch (RuntimeException ignored) {
      // a broken progress bar must not fail the import
    }
  }
}
