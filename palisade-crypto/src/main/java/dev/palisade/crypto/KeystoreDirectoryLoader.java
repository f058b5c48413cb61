package dev.palisade.crypto;

import dev.palisade.eth2.BlsPublicKey;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Loads every {@code *.json} EIP-2335 keystore of a directory (not recursive), like Web3Signer's
 * bulk loading: passwords come either from {@code <passwordsDir>/<name>.txt} for {@code
 * <name>.json}, or from one password file shared by all keystores. A trailing newline (LF or CRLF)
 * in a password file is ignored.
 *
 * <p>Decryption runs on a bounded pool ({@code parallelism} threads). Because one scrypt derivation
 * with the EIP-2335 default parameters needs about 256 MiB, every derivation is also admitted by a
 * {@link KdfLimiter} (by default the process-wide one), so a large directory cannot exhaust the heap.
 *
 * <p>One bad file never stops the others: its problem is reported in {@link Result#errors()}.
 */
public final class KeystoreDirectoryLoader {
  private static final String KEYSTORE_SUFFIX = ".json";
  private static final String PASSWORD_SUFFIX = ".txt";

  private final int parallelism;
  private final KdfLimiter limiter;

  /** A decrypted key and the file it came from. */
  public record LoadedKey(String fileName, BlsSecretKey key) {}

  /** Why one file was not loaded. The reason never contains a password or key material. */
  public record LoadError(String fileName, String reason) {}

  /**
   * The outcome of loading a directory, sorted by file name. Closing it closes every loaded key;
   * callers who keep the keys simply do not close it.
   */
  public record Result(List<LoadedKey> keys, List<LoadError> errors) implements AutoCloseable {
    public Result {
      keys = List.copyOf(keys);
      errors = List.copyOf(errors);
    }

    public List<BlsSecretKey> secretKeys() {
      return keys.stream().map(LoadedKey::key).toList();
    }

    @Override
    public void close() {
      keys.forEach(loaded -> loaded.key().close());
    }
  }

  /** Defaults: one thread per available processor, the process-wide {@link KdfLimiter}. */
  public KeystoreDirectoryLoader() {
    this(Runtime.getRuntime().availableProcessors(), KdfLimiter.shared());
  }

  public KeystoreDirectoryLoader(int parallelism, KdfLimiter limiter) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    this.parallelism = parallelism;
    this.limiter = limiter;
  }

  /**
   * Loads each {@code <name>.json} with the password in {@code passwordsDir/<name>.txt}. A missing
   * password file is an error for that keystore only.
   *
   * @throws IOException if {@code keystoresDir} cannot be listed
   */
  public Result loadWithPasswordsDir(Path keystoresDir, Path passwordsDir) throws IOException {
    return load(
        keystoresDir,
        fileName -> readPasswordFile(passwordsDir.resolve(passwordFileName(fileName))));
  }

  /**
   * Loads every keystore with the one password in {@code passwordFile}.
   *
   * @throws IOException if {@code keystoresDir} cannot be listed or the password file read
   */
  public Result loadWithPasswordFile(Path keystoresDir, Path passwordFile) throws IOException {
    String password;
    try {
      password = readPasswordFile(passwordFile);
    } catch (KeystoreException e) {
      throw new IOException("password file " + passwordFile + ": " + e.getMessage());
    }
    return load(keystoresDir, fileName -> password);
  }

  /** {@code <name>.json} reads its password from {@code <name>.txt}. */
  static String passwordFileName(String keystoreFileName) {
    int nameLength = keystoreFileName.length() - KEYSTORE_SUFFIX.length();
    return keystoreFileName.substring(0, nameLength) + PASSWORD_SUFFIX;
  }

  @FunctionalInterface
  private interface PasswordSource {
    String passwordFor(String keystoreFileName) throws IOException, KeystoreException;
  }

  private sealed interface Outcome {}

  private record Loaded(String fileName, BlsSecretKey key) implements Outcome {}

  private record Failed(String fileName, String reason) implements Outcome {}

  private Result load(Path keystoresDir, PasswordSource passwords) throws IOException {
    List<Path> files = keystoreFiles(keystoresDir);
    List<Outcome> outcomes = decryptAll(files, passwords);
    return deduplicate(outcomes);
  }

  private static List<Path> keystoreFiles(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(path -> path.getFileName().toString().endsWith(KEYSTORE_SUFFIX))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    }
  }

  private List<Outcome> decryptAll(List<Path> files, PasswordSource passwords)
      throws InterruptedIOException {
    if (files.isEmpty()) {
      return List.of();
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(parallelism, files.size()), daemonThreads());
    List<Future<Outcome>> futures = new ArrayList<>();
    List<Outcome> outcomes = new ArrayList<>();
    try {
      for (Path file : files) {
        futures.add(pool.submit(() -> decryptOne(file, passwords)));
      }
      for (int i = 0; i < files.size(); i++) {
        outcomes.add(outcomeOf(files.get(i), futures.get(i)));
      }
      return outcomes;
    } catch (InterruptedException e) {
      pool.shutdownNow();
      // Close what finished; a decryption still running when interrupted is dropped unwiped.
      futures.stream().filter(Future::isDone).forEach(KeystoreDirectoryLoader::closeIfLoaded);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("keystore loading was interrupted");
    } finally {
      pool.shutdown();
    }
  }

  private static Outcome outcomeOf(Path file, Future<Outcome> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      // decryptOne catches every Exception, so this is an Error such as OutOfMemoryError.
      return new Failed(
          file.getFileName().toString(), "unexpected error: " + e.getCause().getClass().getName());
    }
  }

  private Outcome decryptOne(Path file, PasswordSource passwords) {
    String fileName = file.getFileName().toString();
    Eip2335Keystore keystore;
    String password;
    try {
      keystore = Eip2335Keystore.read(file);
      password = passwords.passwordFor(fileName);
    } catch (NoSuchFileException e) {
      return new Failed(fileName, "file not found: " + e.getFile());
    } catch (IOException e) {
      return new Failed(fileName, "cannot read file: " + e);
    } catch (KeystoreException e) {
      return new Failed(fileName, e.getMessage());
    }
    try {
      return new Loaded(fileName, keystore.decrypt(password, limiter));
    } catch (KeystoreException e) {
      return new Failed(fileName, e.getMessage());
    } catch (RuntimeException e) {
      return new Failed(fileName, "unexpected error: " + e.getClass().getName());
    }
  }

  /** Keeps the first file (by name) of each public key and reports the others. */
  private static Result deduplicate(List<Outcome> outcomes) {
    List<LoadedKey> keys = new ArrayList<>();
    List<LoadError> errors = new ArrayList<>();
    Map<BlsPublicKey, String> firstFileByKey = new HashMap<>();
    for (Outcome outcome : outcomes) {
      if (outcome instanceof Failed failed) {
        errors.add(new LoadError(failed.fileName(), failed.reason()));
      } else if (outcome instanceof Loaded loaded) {
        BlsPublicKey publicKey = loaded.key().publicKey();
        String first = firstFileByKey.putIfAbsent(publicKey, loaded.fileName());
        if (first == null) {
          keys.add(new LoadedKey(loaded.fileName(), loaded.key()));
        } else {
          loaded.key().close();
          errors.add(
              new LoadError(
                  loaded.fileName(),
                  "duplicate public key " + publicKey + " (already loaded from " + first + ")"));
        }
      }
    }
    return new Result(keys, errors);
  }

  private static void closeIfLoaded(Future<Outcome> done) {
    try {
      if (!done.isCancelled() && done.get() instanceof Loaded loaded) {
        loaded.key().close();
      }
    } catch (InterruptedException | ExecutionException nothingLoaded) {
      // no key to close
    }
  }

  /**
   * Reads a password file as strict UTF-8 and drops trailing CR/LF characters. (EIP-2335
   * normalisation strips control characters anyway; this keeps Web3Signer's behaviour explicit.)
   */
  static String readPasswordFile(Path file) throws IOException, KeystoreException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes));
      String content = chars.toString();
      if (chars.hasArray()) {
        SecretBytes.wipe(chars.array());
      }
      int end = content.length();
      while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
        end--;
      }
      return content.substring(0, end);
    } catch (CharacterCodingException e) {
      throw new KeystoreException(
          KeystoreException.Kind.INVALID_FORMAT,
          "password file " + file.getFileName() + " is not valid UTF-8");
    } finally {
      SecretBytes.wipe(bytes);
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
