package dev.palisade.crypto;

import dev.palisade.eth2.BlsPublicKey;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads every {@code *.json} EIP-2335 keystore of a directory (not recursive) into memory, like
 * Web3Signer's bulk loading: passwords come either from {@code <passwordsDir>/<name>.txt} for {@code
 * <name>.json}, or from one password file shared by all keystores. Decryption is the shared
 * {@link ParallelKeystoreDecryptor}; this class keeps the keys and drops duplicates.
 */
public final class KeystoreDirectoryLoader {
  private final ParallelKeystoreDecryptor decryptor;

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
    this.decryptor = new ParallelKeystoreDecryptor(parallelism, limiter);
  }

  /**
   * Loads each {@code <name>.json} with the password in {@code passwordsDir/<name>.txt}. A missing
   * password file is an error for that keystore only.
   *
   * @throws IOException if {@code keystoresDir} cannot be listed
   */
  public Result loadWithPasswordsDir(Path keystoresDir, Path passwordsDir) throws IOException {
    return load(keystoresDir, KeystorePasswords.perKeystoreIn(passwordsDir));
  }

  /**
   * Loads every keystore with the one password in {@code passwordFile}.
   *
   * @throws IOException if {@code keystoresDir} cannot be listed or the password file read
   */
  public Result loadWithPasswordFile(Path keystoresDir, Path passwordFile) throws IOException {
    KeystorePasswords password;
    try {
      password = KeystorePasswords.sharedFile(passwordFile);
    } catch (KeystoreException e) {
      throw new IOException("password file " + passwordFile + ": " + e.getMessage());
    }
    return load(keystoresDir, password);
  }

  private sealed interface Outcome {}

  private record Loaded(String fileName, BlsSecretKey key) implements Outcome {}

  private record Failed(String fileName, String reason) implements Outcome {}

  private Result load(Path keystoresDir, KeystorePasswords passwords) throws IOException {
    List<Path> files = ParallelKeystoreDecryptor.keystoreFiles(keystoresDir);
    try {
      return deduplicate(decryptor.decryptEach(files, passwords, new ParallelKeystoreDecryptor.Handler<Outcome>() {
        @Override
        public Outcome decrypted(Path file, BlsSecretKey key) {
          return new Loaded(file.getFileName().toString(), key);
        }

        @Override
        public Outcome failed(Path file, ParallelKeystoreDecryptor.Failure failure) {
          return new Failed(file.getFileName().toString(), failure.message());
        }

        @Override
        public void discard(Outcome outcome) {
          if (outcome instanceof Loaded loaded) {
            loaded.key().close();
          }
        }
      }));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("keystore loading was interrupted");
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
          errors.add(new LoadError(loaded.fileName(),
              "duplicate public key " + publicKey + " (already loaded from " + first + ")"));
        }
      }
    }
    return new Result(keys, errors);
  }
}
