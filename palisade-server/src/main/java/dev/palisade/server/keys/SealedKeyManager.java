package dev.palisade.server.keys;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.Eip2335Keystore;
import dev.palisade.crypto.KeystoreException;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.kek.KekProvider;
import dev.palisade.vault.keys.KeySealer;
import dev.palisade.vault.keys.LoadSummary;
import dev.palisade.vault.keys.SealedKeyLoader;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import dev.palisade.vault.store.PutOutcome;
import dev.palisade.vault.store.SealedKeyConflictException;
import dev.palisade.vault.store.SealedKeyStore;
import dev.palisade.vault.store.SealedKeyStoreException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys kept as sealed records in the database (durable, shared by every instance on the same
 * database) and held in clear only by the in-process vault. An import is sealed and committed
 * before it is reported {@code IMPORTED}; a delete first stops signing, then removes the sealed
 * record. Slashing history is never touched. Keys the vault holds that are not sealed (loaded
 * from {@code --keystores-path}) are listed read-only and never deleted here.
 */
public final class SealedKeyManager implements KeyManager {
  private static final Logger LOG = LoggerFactory.getLogger(SealedKeyManager.class);

  private final SealedKeys sealedKeys;
  private final SealedKeyStore store;
  private final KekProvider kek;
  private final OperatorId operator;
  private final InProcessVault vault;
  private final Consumer<List<BlsPublicKey>> register;
  /** Public keys of sealed records this manager loaded or imported (so: not read-only). */
  private final Set<BlsPublicKey> sealed = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<BlsPublicKey, String> paths = new ConcurrentHashMap<>();

  /**
   * @param register makes new keys signable beyond the vault (slashing store registration,
   *     ownership by the operator); called before a key is added to the vault
   */
  public SealedKeyManager(
      SealedKeys sealedKeys, InProcessVault vault, Consumer<List<BlsPublicKey>> register) {
    this.store = sealedKeys.store();
    this.kek = sealedKeys.kek().orElseThrow(() -> new IllegalArgumentException("no KEK"));
    this.operator = sealedKeys.operator();
    this.vault = vault;
    this.register = register;
    this.sealedKeys = sealedKeys;
  }

  /**
   * Opens every sealed key of the operator into the vault, then registers the ones now held.
   * Returns what the loader did.
   */
  public LoadSummary loadAll() throws InterruptedException {
    long started = System.nanoTime();
    SealedKeyLoader loader = new SealedKeyLoader(store, sealedKeys.ring());
    LoadSummary summary = loader.loadInto(vault, operator);
    long opened = System.nanoTime();
    List<BlsPublicKey> held = store.publicKeys(operator).stream().filter(vault::holds).toList();
    sealed.addAll(held);
    long listed = System.nanoTime();
    register.accept(held);
    long registered = System.nanoTime();
    LOG.info(
        "sealed keys of operator {}: {} opened in {} ms, listed in {} ms, registered (slashing store,"
            + " operator) in {} ms; {} failed",
        operator, summary.loaded(), (opened - started) / 1_000_000, (listed - opened) / 1_000_000,
        (registered - listed) / 1_000_000, summary.failures().size());
    summary.failures()
        .forEach(failure -> LOG.warn("sealed key {} did not open: {}", failure.publicKey(), failure.message()));
    return summary;
  }

  @Override
  public Optional<BlsPublicKey> publicKeyOf(String keystoreJson) {
    try {
      return Eip2335Keystore.parse(keystoreJson).pubkey();
    } catch (KeystoreException e) {
      return Optional.empty();
    }
  }

  @Override
  public ImportResult importKeystore(String keystoreJson, String password) {
    Eip2335Keystore keystore;
    try {
      keystore = Eip2335Keystore.parse(keystoreJson);
    } catch (KeystoreException e) {
      return new ImportResult(ImportStatus.ERROR, Optional.empty(), "invalid keystore: " + e.getMessage());
    }
    Optional<BlsPublicKey> named = keystore.pubkey();
    if (named.isPresent() && (vault.holds(named.get()) || store.contains(named.get()))) {
      return new ImportResult(ImportStatus.DUPLICATE, named, "key already held");
    }
    BlsSecretKey key;
    try {
      key = keystore.decrypt(password);
    } catch (KeystoreException e) {
      return new ImportResult(ImportStatus.ERROR, named, e.getMessage());
    }
    BlsPublicKey publicKey = key.publicKey();
    boolean handedToVault = false;
    try {
      if (vault.holds(publicKey)) {
        return new ImportResult(ImportStatus.DUPLICATE, Optional.of(publicKey), "key already held");
      }
      SealedKey record = KeySealer.seal(key, operator, kek);
      PutOutcome outcome = store.put(record);
      if (outcome != PutOutcome.INSERTED && outcome != PutOutcome.UNCHANGED) {
        return new ImportResult(ImportStatus.DUPLICATE, Optional.of(publicKey), "key already stored");
      }
      sealed.add(publicKey);
      keystore.path().ifPresent(path -> paths.put(publicKey, path));
      register.accept(List.of(publicKey));
      handedToVault = true;
      if (!vault.add(key)) {
        return new ImportResult(ImportStatus.DUPLICATE, Optional.of(publicKey), "key already held");
      }
      return new ImportResult(ImportStatus.IMPORTED, Optional.of(publicKey), "imported");
    } catch (SealedKeyConflictException e) {
      return new ImportResult(ImportStatus.DUPLICATE, Optional.of(publicKey), "key already stored");
    } catch (SealedKeyException | SealedKeyStoreException e) {
      return new ImportResult(ImportStatus.ERROR, Optional.of(publicKey), "cannot seal the key: " + e.getMessage());
    } finally {
      if (!handedToVault) {
        key.close();
      }
    }
  }

  @Override
  public boolean delete(BlsPublicKey key) {
    if (!sealed.contains(key) && !store.contains(key)) {
      return false; // not ours: read-only (from --keystores-path) or unknown
    }
    boolean held = vault.remove(key); // stop signing first
    boolean stored = store.delete(key);
    sealed.remove(key);
    paths.remove(key);
    return held || stored;
  }

  @Override
  public List<KeyInfo> list() {
    return vault.publicKeys().stream()
        .sorted(Comparator.naturalOrder())
        .map(key -> new KeyInfo(key, Optional.ofNullable(paths.get(key)), !sealed.contains(key)))
        .toList();
  }
}
