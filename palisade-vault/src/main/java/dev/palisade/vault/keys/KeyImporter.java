package dev.palisade.vault.keys;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.KdfLimiter;
import dev.palisade.crypto.KeystorePasswords;
import dev.palisade.crypto.ParallelKeystoreDecryptor;
import dev.palisade.vault.kek.KekProvider;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import dev.palisade.vault.store.PutOutcome;
import dev.palisade.vault.store.SealedKeyConflictException;
import dev.palisade.vault.store.SealedKeyStore;
import dev.palisade.vault.store.SealedKeyStoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns EIP-2335 keystores into sealed keys: the shared {@link ParallelKeystoreDecryptor} decrypts
 * them in parallel (every derivation admitted by a {@link KdfLimiter}'s memory budget); each clear
 * key is sealed under the operator's KEK and closed on the decrypting thread, then stored. Each file
 * succeeds or fails on its own, and a failed file stores nothing. Passwords are never stored.
 */
public final class KeyImporter {
  private final SealedKeyStore store;
  private final KekProvider kek;
  private final OperatorId operator;
  private final ParallelKeystoreDecryptor decryptor;

  /** Parallelism = available processors; the process-wide {@link KdfLimiter}. */
  public KeyImporter(SealedKeyStore store, KekProvider kek, OperatorId operator) {
    this(store, kek, operator, Runtime.getRuntime().availableProcessors(), KdfLimiter.shared());
  }

  public KeyImporter(
      SealedKeyStore store,
      KekProvider kek,
      OperatorId operator,
      int parallelism,
      KdfLimiter limiter) {
    this.store = store;
    this.kek = kek;
    this.operator = operator;
    this.decryptor = new ParallelKeystoreDecryptor(parallelism, limiter);
  }

  /** Imports every {@code *.json} file of {@code keystoresDir} (not recursive), sorted by name. */
  public ImportSummary importDirectory(
      Path keystoresDir, KeystorePasswords passwords, ImportProgress.Listener progress)
      throws IOException, InterruptedException {
    return importFiles(ParallelKeystoreDecryptor.keystoreFiles(keystoresDir), passwords, progress);
  }

  public ImportSummary importFiles(
      List<Path> keystoreFiles, KeystorePasswords passwords, ImportProgress.Listener progress)
      throws InterruptedException {
    long started = System.nanoTime();
    ProgressCounter counter = new ProgressCounter(keystoreFiles.size(), started, progress);
    List<Outcome> outcomes = decryptor.decryptEach(keystoreFiles, passwords, new ParallelKeystoreDecryptor.Handler<>() {
      @Override
      public Outcome decrypted(Path file, BlsSecretKey key) {
        Outcome outcome = sealAndStore(file, key);
        counter.fileDone();
        return outcome;
      }

      @Override
      public Outcome failed(Path file, ParallelKeystoreDecryptor.Failure failure) {
        counter.fileDone();
        return KeyImporter.failed(file, reason(failure.kind()), failure.message());
      }
    });
    return summarize(outcomes, Duration.ofNanos(System.nanoTime() - started));
  }

  private sealed interface Outcome {}

  private record Stored(ImportSummary.Imported imported) implements Outcome {}

  private record AlreadyStored(ImportSummary.Duplicate duplicate) implements Outcome {}

  private record Failed(ImportSummary.Failure failure) implements Outcome {}

  private static ImportSummary.Reason reason(ParallelKeystoreDecryptor.Failure.Kind kind) {
    return switch (kind) {
      case UNREADABLE -> ImportSummary.Reason.UNREADABLE;
      case WRONG_PASSWORD -> ImportSummary.Reason.WRONG_PASSWORD;
      case RESOURCE_LIMIT -> ImportSummary.Reason.RESOURCE_LIMIT;
      case INVALID_KEYSTORE -> ImportSummary.Reason.INVALID_KEYSTORE;
    };
  }

  private Outcome sealAndStore(Path file, BlsSecretKey clear) {
    SealedKey sealed;
    try (BlsSecretKey key = clear) {
      sealed = KeySealer.seal(key, operator, kek);
    } catch (SealedKeyException e) {
      return failed(file, ImportSummary.Reason.SEALING_FAILED, e.getMessage());
    } catch (RuntimeException e) {
      return failed(file, ImportSummary.Reason.SEALING_FAILED, "unexpected error: " + e.getClass().getSimpleName());
    }
    try {
      PutOutcome outcome = store.put(sealed);
      // UNCHANGED cannot happen for a fresh seal (new random data key), but would mean "stored".
      return outcome == PutOutcome.INSERTED || outcome == PutOutcome.UNCHANGED
          ? new Stored(new ImportSummary.Imported(file, sealed.publicKey()))
          : new AlreadyStored(new ImportSummary.Duplicate(file, sealed.publicKey()));
    } catch (SealedKeyConflictException e) {
      return new AlreadyStored(new ImportSummary.Duplicate(file, sealed.publicKey()));
    } catch (SealedKeyStoreException e) {
      return failed(file, ImportSummary.Reason.SEALING_FAILED, e.getMessage());
    }
  }

  private static Outcome failed(Path file, ImportSummary.Reason reason, String message) {
    return new Failed(new ImportSummary.Failure(file, reason, message));
  }

  private static ImportSummary summarize(List<Outcome> outcomes, Duration elapsed) {
    List<ImportSummary.Imported> imported = new ArrayList<>();
    List<ImportSummary.Duplicate> duplicates = new ArrayList<>();
    List<ImportSummary.Failure> failures = new ArrayList<>();
    for (Outcome outcome : outcomes) {
      if (outcome instanceof Stored stored) {
        imported.add(stored.imported());
      } else if (outcome instanceof AlreadyStored duplicate) {
        duplicates.add(duplicate.duplicate());
      } else if (outcome instanceof Failed failed) {
        failures.add(failed.failure());
      }
    }
    return new ImportSummary(imported, duplicates, failures, elapsed);
  }

  /** Counts finished files and reports them in order, one report at a time. */
  private static final class ProgressCounter {
    private final int total;
    private final long startedNanos;
    private final ImportProgress.Listener listener;
    private final AtomicInteger done = new AtomicInteger();

    ProgressCounter(int total, long startedNanos, ImportProgress.Listener listener) {
      this.total = total;
      this.startedNanos = startedNanos;
      this.listener = listener;
    }

    synchronized void fileDone() {
      int finished = done.incrementAndGet();
      double seconds = Math.max(1e-9, (System.nanoTime() - startedNanos) / 1e9);
      try {
        listener.onProgress(new ImportProgress(finished, total, finished / seconds));
      } catch (RuntimeException ignored) {
        // a broken progress bar must not fail the import
      }
    }
  }
}
