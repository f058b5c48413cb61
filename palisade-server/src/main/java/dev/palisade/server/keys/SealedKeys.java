package dev.palisade.server.keys;

import dev.palisade.server.Database;
import dev.palisade.vault.kek.KekException;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.store.Dialect;
import dev.palisade.vault.store.SealedKeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The sealed keys of one operator on the node's database, and the sealed-file KEK that opens them
 * (absent when none was configured and none is needed). Shared by {@code palisade run} and the
 * {@code palisade keys} / {@code palisade kek} commands. Closing destroys the KEK; the database
 * stays the caller's.
 */
public final class SealedKeys implements AutoCloseable {
  /** While a rotation runs, the new KEK lives next to the current one under this suffix. */
  public static final String ROTATION_SUFFIX = ".new";
  public static final String OPTIONS_HINT =
      "give the KEK passphrase with --kek-passphrase-file FILE or the " + SealedKeysConfig.PASSPHRASE_ENV
          + " environment variable";

  private final SealedKeyStore store;
  private final OperatorId operator;
  private final Path kekFile;
  private final SealedFileKek kek;

  private SealedKeys(SealedKeyStore store, OperatorId operator, Path kekFile, SealedFileKek kek) {
    this.store = store;
    this.operator = operator;
    this.kekFile = kekFile;
    this.kek = kek;
  }

  /** The sealed key store on the node's database (migrates the vault's tables there). */
  public static SealedKeyStore store(Database database) {
    Dialect dialect =
        database.dialect() == dev.palisade.auth.Dialect.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.SQLITE;
    return new SealedKeyStore(database.dataSource(), dialect);
  }

  /**
   * For {@code palisade run}: opens the KEK if a passphrase was given (creating the KEK file on a
   * first start), prompts for it if sealed keys exist and nothing was given, and otherwise goes on
   * without a KEK.
   *
   * @throws IllegalStateException with an operator-readable message: sealed keys but no
   *     passphrase, a wrong passphrase, a missing KEK file, an interrupted rotation
   */
  public static SealedKeys open(SealedKeysConfig config, Database database, OperatorId operator) {
    return open(config, store(database), operator, false);
  }

  /**
   * @param requireKek whether the caller needs the KEK (importing keys): then a passphrase must
   *     come from the config or the prompt even if no sealed key exists yet
   */
  public static SealedKeys open(
      SealedKeysConfig config, SealedKeyStore store, OperatorId operator, boolean requireKek) {
    Path kekFile = config.kekFile();
    Path rotating = rotationFile(kekFile);
    if (Files.exists(rotating)) {
      throw new IllegalStateException(
          "a KEK rotation was interrupted (" + rotating + " exists): run `palisade kek rotate` again"
              + " with the same options to finish it");
    }
    long sealedKeys = store.count(operator);
    Optional<SealedKeysConfig.PassphraseReader> reader = config.passphrase();
    if (reader.isEmpty() && (sealedKeys > 0 || requireKek)) {
      reader = config.prompt();
    }
    if (reader.isEmpty()) {
      if (sealedKeys > 0) {
        throw new IllegalStateException(
            "the database holds " + sealedKeys + " sealed key(s) of operator '" + operator
                + "' but no KEK passphrase was given: " + OPTIONS_HINT);
      }
      if (requireKek) {
        throw new IllegalStateException("no KEK passphrase was given: " + OPTIONS_HINT);
      }
      return new SealedKeys(store, operator, kekFile, null);
    }
    if (!Files.exists(kekFile) && sealedKeys > 0) {
      throw new IllegalStateException(
          "the database holds " + sealedKeys + " sealed key(s) but the KEK file " + kekFile
              + " is missing: restore it from your backup");
    }
    SealedFileKek kek;
    try (Passphrase passphrase = reader.get().read()) {
      kek = SealedFileKek.openOrCreate(kekFile, passphrase, ScryptParams.DEFAULT);
    } catch (KekException e) {
      throw new IllegalStateException(e.getMessage() + (e.kind() == KekException.Kind.WRONG_PASSPHRASE
          ? "; nothing was changed" : ""), e);
    }
    try {
      store.registerKek(kek.id(), "sealed-file", kekFile.getFileName().toString());
      if (store.operator(operator).isEmpty()) {
        store.setOperatorKek(operator, kek.id());
      }
    } catch (RuntimeException e) {
      kek.close();
      throw e;
    }
    return new SealedKeys(store, operator, kekFile, kek);
  }

  public static Path rotationFile(Path kekFile) {
    return kekFile.resolveSibling(kekFile.getFileName() + ROTATION_SUFFIX);
  }

  public SealedKeyStore store() {
    return store;
  }

  public OperatorId operator() {
    return operator;
  }

  public Path kekFile() {
    return kekFile;
  }

  /** The open KEK; empty when none was configured and no sealed key needed one. */
  public Optional<SealedFileKek> kek() {
    return Optional.ofNullable(kek);
  }

  public KekRing ring() {
    return kek == null ? KekRing.of() : KekRing.of(kek);
  }

  @Override
  public void close() {
    if (kek != null) {
      kek.close();
    }
  }
}
