package dev.palisade.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The one bulk EIP-2335 decryptor, used by loading at start ({@link KeystoreDirectoryLoader}) and by
 * sealing imports (the vault's {@code KeyImporter}). Files are decrypted on a bounded pool; every key
 * derivation is also admitted by a {@link KdfLimiter}, so a large directory of scrypt keystores cannot
 * exhaust the heap. Each file succeeds or fails on its own: one bad file never stops the others.
 */
public final class ParallelKeystoreDecryptor {
  private final int parallelism;
  private final KdfLimiter limiter;

  /** Why one file gave no key. The message never holds a password or key material. */
  public record Failure(Kind kind, String message) {
    public enum Kind { UNREADABLE, INVALID_KEYSTORE, WRONG_PASSWORD, RESOURCE_LIMIT }
  }

  /**
   * What to do with each file's outcome; called on the decrypting thread, so a caller that seals can
   * close each clear key at once instead of holding all of them.
   */
  public interface Handler<T> {
    /** Takes ownership of {@code key}: keep it in the result or close it. */
    T decrypted(Path file, BlsSecretKey key);

    T failed(Path file, Failure failure);

    /** Called for results already produced when loading is interrupted (to close keys they hold). */
    default void discard(T result) {}
  }

  /** One thread per available processor; the process-wide {@link KdfLimiter}. */
  public ParallelKeystoreDecryptor() {
    this(Runtime.getRuntime().availableProcessors(), KdfLimiter.shared());
  }

  public ParallelKeystoreDecryptor(int parallelism, KdfLimiter limiter) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    this.parallelism = parallelism;
    this.limiter = limiter;
  }

  /** Every {@code *.json} regular file of {@code dir} (not recursive), sorted by name. */
  public static List<Path> keystoreFiles(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(path -> path.getFileName().toString().endsWith(".json"))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    }
  }

  /** Decrypts each file and returns the handler's results in the order of {@code files}. */
  public <T> List<T> decryptEach(List<Path> files, KeystorePasswords passwords, Handler<T> handler)
      throws InterruptedException {
    if (files.isEmpty()) {
      return List.of();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, files.size()), daemonThreads());
    List<Future<T>> futures = new ArrayList<>();
    try {
      for (Path file : files) {
        futures.add(pool.submit(() -> decryptOne(file, passwords, handler)));
      }
      List<T> results = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        results.add(resultOf(files.get(i), futures.get(i), handler));
      }
      return results;
    } catch (InterruptedException e) {
      pool.shutdownNow();
      // Discard what finished; a decryption still running when interrupted is dropped unwiped.
      for (Future<T> future : futures) {
        if (future.isDone() && !future.isCancelled()) {
          try {
            handler.discard(future.get());
          } catch (ExecutionException nothingToDiscard) {
            // that file produced no result
          }
        }
      }
      throw e;
    } finally {
      pool.shutdown();
    }
  }

  private <T> T decryptOne(Path file, KeystorePasswords passwords, Handler<T> handler) {
    Eip2335Keystore keystore;
    String password;
    try {
      keystore = Eip2335Keystore.read(file);
      password = passwords.passwordFor(file);
    } catch (NoSuchFileException e) {
      return handler.failed(file, new Failure(Failure.Kind.UNREADABLE, "file not found: " + e.getFile()));
    } catch (IOException e) {
      return handler.failed(file, new Failure(Failure.Kind.UNREADABLE, "cannot read: " + e.getMessage()));
    } catch (KeystoreException e) {
      return handler.failed(file, failure(e));
    }
    BlsSecretKey key;
    try {
      key = keystore.decrypt(password, limiter);
    } catch (KeystoreException e) {
      return handler.failed(file, failure(e));
    } catch (RuntimeException e) {
      return handler.failed(file, new Failure(Failure.Kind.INVALID_KEYSTORE,
          "unexpected error: " + e.getClass().getSimpleName()));
    }
    return handler.decrypted(file, key);
  }

  private static Failure failure(KeystoreException e) {
    Failure.Kind kind = switch (e.kind()) {
      case WRONG_PASSWORD -> Failure.Kind.WRONG_PASSWORD;
      case RESOURCE_LIMIT -> Failure.Kind.RESOURCE_LIMIT;
      default -> Failure.Kind.INVALID_KEYSTORE;
    };
    return new Failure(kind, e.getMessage());
  }

  private static <T> T resultOf(Path file, Future<T> future, Handler<T> handler) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      // decryptOne catches every exception, so this is an Error such as OutOfMemoryError, or a handler's failure.
      return handler.failed(file, new Failure(Failure.Kind.INVALID_KEYSTORE,
          "unexpected error: " + e.getCause().getClass().getSimpleName()));
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "keystore-decrypt-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
