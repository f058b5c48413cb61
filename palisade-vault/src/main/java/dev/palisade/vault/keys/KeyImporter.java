package dev.palisade.vault.keys;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.Eip2335Keystore;
import dev.palisade.crypto.KdfLimiter;
import dev.palisade.crypto.KeystoreException;
import dev.palisade.vault.kek.KekProvider;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import dev.palisade.vault.store.PutOutcome;
import dev.palisade.vault.store.SealedKeyConflictException;
import dev.palisade.vault.store.SealedKeyStore;
import dev.palisade.vault.store.SealedKeyStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Turns EIP-2335 keystores into sealed keys: decrypts them in parallel (scrypt dominates, so every
 * derivation is admitted by a {@link KdfLimiter}'s memory budget), seals each under the operator's
 * KEK and stores it. Each file succeeds or fails on its own, and a failed file stores nothing.
 * Clear keys are closed as soon as they are sealed; passwords are never stored.
 */
public final class KeyImporter {
  private final SealedKeyStore store;
  private final KekProvider kek;
  private final OperatorId operator;
  private final int parallelism;
  private final KdfLimiter limiter;

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
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    this.store = store;
    this.kek = kek;
    this.operator = operator;
    this.parallelism = parallelism;
    this.limiter = limiter;
  }

  /** Imports every {@code *.json} file of {@code keystoresDir} (not recursive), sorted by name. */
  public ImportSummary importDirectory(
      Path keystoresDir, KeystorePasswords passwords, ImportProgress.Listener progress)
      throws IOException, InterruptedException {
    List<Path> files;
    try (Stream<Path> entries = Files.list(keystoresDir)) {
      files =
          entries
              .filter(path -> path.getFileName().toString().endsWith(".json"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    }
    return importFiles(files, passwords, progress);
  }

  public ImportSummary importFiles(
      List<Path> keystoreFiles, KeystorePasswords passwords, ImportProgress.Listener progress)
      throws InterruptedException {
    long started = System.nanoTime();
    ProgressCounter counter = new ProgressCounter(keystoreFiles.size(), started, progress);
    List<Outcome> outcomes = new ArrayList<>();
    if (!keystoreFiles.isEmpty()) {
      ExecutorService pool =
          Executors.newFixedThreadPool(Math.min(parallelism, keystoreFiles.size()), daemonThreads());
      try {
        List<Future<Outcome>> futures = new ArrayList<>();
        for (Path file : keystoreFiles) {
          futures.add(
              pool.submit(
                  () -> {
                    Outcome outcome = importOne(file, passwords);
                    counter.fileDone();
                    return outcome;
                  }));
        }
        for (int i = 0; i < futures.size(); i++) {
          outcomes.add(outcomeOf(keystoreFiles.get(i), futures.get(i)));
        }
      } finally {
        pool.shutdownNow();
      }
    }
    return summarize(outcomes, Duration.ofNanos(System.nanoTime() - started));
  }

  private sealed interface Outcome {}

  private record Stored(ImportSummary.Imported imported) implements Outcome {}

  private record AlreadyStored(ImportSummary.Duplicate duplicate) implements Outcome {}

  private record Failed(ImportSummary.Failure failure) implements Outcome {}

  private Outcome importOne(Path file, KeystorePasswords passwords) {
    Eip2335Keystore keystore;
    String password;
    try {
      keystore = Eip2335Keystore.read(file);
      password = passwords.passwordFor(file);
    } catch (IOException e) {
      return failed(file, ImportSummary.Reason.UNREADABLE, "cannot read: " + e.getMessage());
    } catch (KeystoreException e) {
      return failed(file, ImportSummary.Reason.INVALID_KEYSTORE, e.getMessage());
    }
    SealedKey sealed;
    try (BlsSecretKey key = keystore.decrypt(password, limiter)) {
      sealed = KeySealer.seal(key, operator, kek);
    } catch (KeystoreException e) {
      ImportSummary.Reason reason = switch (e.kind()) {
        case WRONG_PASSWORD -> ImportSummary.Reason.WRONG_PASSWORD;
        case RESOURCE_LIMIT -> ImportSummary.Reason.RESOURCE_LIMIT;
        default -> ImportSummary.Reason.INVALID_KEYSTORE;
      };
      return failed(file, reason, e.getMessage());
    } catch (SealedKeyException e) {
      return failed(file, ImportSummary.Reason.SEALING_FAILED, e.getMessage());
    } catch (RuntimeException e) {
      return failed(file, ImportSummary.Reason.INVALID_KEYSTORE,
          "unexpected error: " + e.getClass().getSimpleName());
    }
    return store(file, sealed);
  }

  private Outcome store(Path file, SealedKey sealed) {
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

  private static Outcome outcomeOf(Path file, Future<Outcome> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      // importOne catches every exception, so this is an Error such as OutOfMemoryError.
      return failed(file, ImportSummary.Reason.SEALING_FAILED,
          "unexpected error: " + e.getCause().getClass().getSimpleName());
    }
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

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "key-import-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
