package dev.palisade.server.keys;

import dev.palisade.store.Database;
import dev.palisade.vault.kek.AwsKmsKek;
import dev.palisade.vault.kek.KekException;
import dev.palisade.vault.kek.KekProvider;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.Pkcs11Config;
import dev.palisade.vault.kek.Pkcs11Kek;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.store.KekRecord;
import dev.palisade.vault.store.OperatorRecord;
import dev.palisade.vault.store.SealedKeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The sealed keys of one operator on the node's database, and the KEK that opens them (absent when
 * none was configured and none is needed): a sealed file, a PKCS#11 token or an AWS KMS key, as
 * {@link SealedKeysConfig#source()} says. The provider in use is recorded per operator in the store
 * (its current KEK), and an operator holding sealed keys cannot be opened with another provider. Shared by {@code palisade run} and the
 * {@code palisade keys} / {@code palisade kek} commands. Closing destroys the KEK; the database
 * stays the caller's.
 */
public final class SealedKeys implements AutoCloseable {
  /** While a rotation runs, the new KEK lives next to the current one under this suffix. */
  public static final String ROTATION_SUFFIX = ".new";
  public static final String OPTIONS_HINT =
      "give the KEK passphrase with --kek-passphrase-file FILE or the " + SealedKeysConfig.PASSPHRASE_ENV
          + " environment variable";
  public static final String PIN_HINT =
      "give the token's user PIN with --pkcs11-pin-file FILE or the " + SealedKeysConfig.PKCS11_PIN_ENV
          + " environment variable";

  private final SealedKeyStore store;
  private final OperatorId operator;
  private final Path kekFile;
  private final KekProvider kek;

  private SealedKeys(SealedKeyStore store, OperatorId operator, Path kekFile, KekProvider kek) {
    this.store = store;
    this.operator = operator;
    this.kekFile = kekFile;
    this.kek = kek;
  }

  /** The sealed key store on the node's database (migrates the vault's tables there). */
  public static SealedKeyStore store(Database database) {
    return new SealedKeyStore(database.dataSource(), database.dialect());
  }

  /**
   * For {@code palisade run}: opens the HSM or KMS KEK if one was chosen; for the sealed-file
   * KEK, opens it if a passphrase was given (creating the KEK file on a
   * first start), prompts for it if sealed keys exist and nothing was given, and otherwise goes on
   * without a KEK.
   *
   * @throws IllegalStateException with an operator-readable message: sealed keys but no
   *     passphrase, a wrong passphrase or PIN, a missing KEK file, an interrupted rotation, sealed
   *     keys under another KEK provider than the configured one
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
    long sealedKeys = store.count(operator);
    requireConfiguredProvider(config.source().provider(), store, operator, sealedKeys);
    if (config.source() instanceof SealedKeysConfig.KekSource.SealedFile) {
      return openSealedFile(config, store, operator, requireKek, sealedKeys);
    }
    KekProvider kek = openExternal(config.source(), sealedKeys == 0);
    return register(store, operator, sealedKeys, kek, config.source().provider(), descriptor(config.source()),
        config.kekFile());
  }

  private static SealedKeys openSealedFile(
      SealedKeysConfig config, SealedKeyStore store, OperatorId operator, boolean requireKek,
      long sealedKeys) {
    Path kekFile = config.kekFile();
    Path rotating = rotationFile(kekFile);
    if (Files.exists(rotating)) {
      throw new IllegalStateException(
          "a KEK rotation was interrupted (" + rotating + " exists): run `palisade kek rotate` again"
              + " with the same options to finish it");
    }
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
    return register(store, operator, sealedKeys, kek, "sealed-file", kekFile.getFileName().toString(), kekFile);
  }

  /**
   * An operator holding sealed keys keeps the provider of its current KEK: another one cannot open
   * them (switching providers is a rotation). Checked before any KEK is opened or created.
   */
  private static void requireConfiguredProvider(
      String provider, SealedKeyStore store, OperatorId operator, long sealedKeys) {
    if (sealedKeys == 0) {
      return;
    }
    Optional<OperatorRecord> record = store.operator(operator);
    if (record.isEmpty()) {
      return;
    }
    String kekId = record.get().kekId();
    String configured = store.kek(kekId).map(KekRecord::provider).orElse(providerOf(kekId));
    if (!configured.equals(provider)) {
      throw new IllegalStateException(
          "the " + sealedKeys + " sealed key(s) of operator '" + operator + "' are wrapped by the "
              + configured + " KEK " + kekId + ", but --kek-provider is " + provider
              + ": run with --kek-provider " + configured + " (and its options); nothing was changed");
    }
  }

  private static KekProvider openExternal(SealedKeysConfig.KekSource source, boolean generateIfMissing) {
    try {
      if (source instanceof SealedKeysConfig.KekSource.Pkcs11 pkcs11) {
        SealedKeysConfig.PassphraseReader reader =
            pkcs11.pin().or(pkcs11::pinPrompt).orElseThrow(
                () -> new IllegalStateException("no PKCS#11 PIN was given: " + PIN_HINT));
        try (Passphrase pin = reader.read()) {
          return Pkcs11Kek.open(pkcs11.config(), pin, generateIfMissing);
        }
      }
      if (source instanceof SealedKeysConfig.KekSource.AwsKms kms) {
        return AwsKmsKek.open(kms.config());
      }
    } catch (KekException e) {
      String hint = e.kind() == KekException.Kind.WRONG_PIN ? " (" + PIN_HINT + ")" : "";
      throw new IllegalStateException(
          source.provider() + " KEK: " + e.getMessage() + hint + "; nothing was changed", e);
    } catch (RuntimeException e) {
      if (e instanceof IllegalStateException) {
        throw e;
      }
      throw new IllegalStateException(
          "cannot open the " + source.provider() + " KEK: " + e.getMessage() + "; nothing was changed", e);
    }
    throw new IllegalArgumentException("unknown KEK source " + source);
  }

  /** A non-secret locator of the KEK, stored with its id. */
  private static String descriptor(SealedKeysConfig.KekSource source) {
    if (source instanceof SealedKeysConfig.KekSource.Pkcs11 pkcs11) {
      Pkcs11Config config = pkcs11.config();
      String slot =
          config.slot() instanceof Pkcs11Config.Slot.Id id
              ? "slot " + id.id()
              : "slot index " + ((Pkcs11Config.Slot.ListIndex) config.slot()).index();
      return config.library() + ", " + slot + ", label " + config.keyLabel();
    }
    if (source instanceof SealedKeysConfig.KekSource.AwsKms kms) {
      return kms.config().keyId() + " in " + kms.config().region()
          + kms.config().endpoint().map(uri -> " at " + uri).orElse("");
    }
    return source.provider();
  }

  /**
   * Records the KEK and makes it the operator's current one when the operator has none or no
   * sealed key yet (a fresh operator may pick any provider).
   */
  private static SealedKeys register(
      SealedKeyStore store, OperatorId operator, long sealedKeys, KekProvider kek, String provider,
      String descriptor, Path kekFile) {
    try {
      store.registerKek(kek.id(), provider, descriptor);
      if (sealedKeys == 0 || store.operator(operator).isEmpty()) {
        store.setOperatorKek(operator, kek.id());
      }
    } catch (RuntimeException e) {
      kek.close();
      throw e;
    }
    return new SealedKeys(store, operator, kekFile, kek);
  }

  private static String providerOf(String kekId) {
    int colon = kekId.indexOf(':');
    return colon > 0 ? kekId.substring(0, colon) : kekId;
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
  public Optional<KekProvider> kek() {
    return Optional.ofNullable(kek);
  }

  /** Why a key could not be sealed and stored; the message names no secret. */
  public static final class SealingException extends Exception {
    SealingException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Seals {@code key} (which stays open) under this operator's KEK and stores the record, replacing
   * an older record of the same key (a re-import by the operator that owns it).
   */
  public void seal(dev.palisade.crypto.BlsSecretKey key) throws SealingException {
    if (kek == null) {
      throw new SealingException("operator '" + operator + "' has no KEK on this node", null);
    }
    try {
      store.put(dev.palisade.vault.keys.KeySealer.seal(key, operator, kek), true);
    } catch (dev.palisade.vault.seal.SealedKeyException
        | dev.palisade.vault.store.SealedKeyConflictException
        | dev.palisade.vault.store.SealedKeyStoreException e) {
      throw new SealingException(e.getMessage(), e);
    }
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
