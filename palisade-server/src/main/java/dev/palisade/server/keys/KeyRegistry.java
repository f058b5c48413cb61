package dev.palisade.server.keys;

import dev.palisade.auth.AuthConflictException;
import dev.palisade.auth.IdentityStore;
import dev.palisade.auth.OperatorId;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.Eip2335Keystore;
import dev.palisade.crypto.KeystoreException;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.slashing.InterchangeException;
import dev.palisade.slashing.SlashingProtection;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.Vault;
import dev.palisade.vault.keys.LoadSummary;
import dev.palisade.vault.keys.SealedKeyLoader;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a key comes into or leaves Palisade: keystores loaded at start (read-only), sealed
 * keys opened at start, keys held by a separate vault process, and Keymanager imports and deletes.
 * It decides which operator owns a key (set once, when the key first comes in, to the operator that
 * brought it — never a fallback), seals it under that operator's own KEK, enables and disables it
 * in the slashing store, and knows read-only from managed keys.
 *
 * <p>An import runs in this order, all or nothing per key: decrypt the keystore and check that its
 * secret derives the public key it names → claim ownership for the caller's operator (refused if
 * another operator owns it) → merge the caller's slashing history → seal and store → enable →
 * hand the key to the vault. Nothing is written for a keystore that does not decrypt, so a caller
 * that does not hold a key's secret learns nothing about it and changes nothing.
 */
public final class KeyRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRegistry.class);

  /** Per-key outcome of an import, as the Keymanager API reports it. */
  public enum ImportStatus { IMPORTED, DUPLICATE, ERROR }

  public record ImportResult(ImportStatus status, String message) {
    static ImportResult error(String message) {
      return new ImportResult(ImportStatus.ERROR, message);
    }
  }

  /** Per-key outcome of a delete; {@code NOT_ACTIVE} keys are not held but have history. */
  public enum DeleteStatus { DELETED, NOT_ACTIVE, NOT_FOUND, ERROR }

  public record DeleteResult(DeleteStatus status, String message) {}

  public record KeyInfo(BlsPublicKey key, Optional<String> derivationPath, boolean readOnly) {}

  public static final String READ_ONLY_MESSAGE =
      "read-only key (loaded from --keystores-path): remove it from that directory and restart";

  /** Null when a separate vault process holds the keys. */
  private final InProcessVault inProcess;
  private final Vault vault;
  /** Null when slashing protection is off. */
  private final SlashingProtection slashing;
  private final IdentityStore owners;
  private final OperatorKeks keks;
  private final LifecycleAudit audit;
  private final Set<BlsPublicKey> readOnly = ConcurrentHashMap.newKeySet();
  private final Map<BlsPublicKey, String> paths = new ConcurrentHashMap<>();
  /** One lifecycle change per key at a time: an import and a delete of one key never interleave. */
  private final Map<BlsPublicKey, Object> keyLocks = new ConcurrentHashMap<>();
  private final EvmKeys evm;

  public KeyRegistry(
      InProcessVault inProcess, Vault vault, SlashingProtection slashing, IdentityStore owners,
      OperatorKeks keks, LifecycleAudit audit) {
    this.inProcess = inProcess;
    this.vault = vault;
    this.slashing = slashing;
    this.owners = owners;
    this.keks = keks;
    this.audit = audit;
    this.evm = new EvmKeys(inProcess, vault, new dev.palisade.auth.EvmKeyOwners(owners), keks, audit);
  }

  /** secp256k1 (EVM) keys: generated here or imported from v3 keystores, sealed like BLS keys. */
  public EvmKeys evm() {
    return evm;
  }

  // ------------------------------------------------------------------ at start

  /**
   * Keys from {@code --keystores-path}: owned by {@code operator} unless another operator already
   * owns them, read-only (they come back at every start, so the API never deletes them). The
   * vault takes ownership of the secrets. Returns how many distinct keys were added.
   */
  public int loadReadOnly(Collection<BlsSecretKey> keys, OperatorId operator) {
    requireInProcessVault();
    List<BlsPublicKey> publicKeys = keys.stream().map(BlsSecretKey::publicKey).toList();
    register(publicKeys, operator);
    readOnly.addAll(publicKeys);
    int added = 0;
    for (BlsSecretKey key : keys) {
      if (inProcess.add(key)) {
        added++;
      }
    }
    return added;
  }

  /**
   * Opens the sealed keys of every operator whose KEK this node holds, each under its own KEK, and
   * registers them for the operator their sealed record names.
   */
  public List<LoadSummary> loadSealed() throws InterruptedException {
    requireInProcessVault();
    List<LoadSummary> summaries = new ArrayList<>();
    for (SealedKeys sealed : keks.all()) {
      var operator = sealed.operator();
      LoadSummary summary = new SealedKeyLoader(sealed.store(), sealed.ring()).loadInto(inProcess, operator);
      List<BlsPublicKey> held = sealed.store().publicKeys(operator).stream().filter(inProcess::holds).toList();
      List<BlsPublicKey> foreign = register(held, OperatorId.of(operator.value()));
      foreign.forEach(inProcess::remove); // owned by another operator: never signable through this one
      summary.failures().forEach(f -> LOG.warn("sealed key {} did not open: {}", f.publicKey(), f.message()));
      LOG.info("sealed keys of operator {}: {} opened, {} failed", operator, summary.loaded(), summary.failures().size());
      summaries.add(summary);
    }
    int evmOpened = evm.loadSealed();
    if (evmOpened > 0) {
      LOG.info("sealed EVM keys opened: {}", evmOpened);
    }
    return summaries;
  }

  /** Keys a separate vault process holds: they belong to {@code operator} unless owned already. */
  public int adoptVaultKeys(OperatorId operator) {
    List<BlsPublicKey> publicKeys = List.copyOf(vault.publicKeys());
    register(publicKeys, operator);
    evm.adoptVaultKeys(operator);
    return publicKeys.size();
  }

  /** Slashing store and ownership for keys coming in at start; returns those owned elsewhere. */
  private List<BlsPublicKey> register(List<BlsPublicKey> keys, OperatorId operator) {
    if (keys.isEmpty()) {
      return List.of();
    }
    if (slashing != null) {
      slashing.registerValidators(keys);
    }
    Set<BlsPublicKey> owned = new HashSet<>(owners.keysOf(operator));
    List<BlsPublicKey> unowned = keys.stream().filter(key -> !owned.contains(key)).toList();
    List<BlsPublicKey> elsewhere = List.of();
    if (!unowned.isEmpty()) {
      elsewhere = owners.assignUnownedKeys(unowned, operator);
      if (!elsewhere.isEmpty()) {
        LOG.warn("{} key(s) loaded for operator '{}' are owned by another operator: {}",
            elsewhere.size(), operator, elsewhere.size() <= 3 ? elsewhere : elsewhere.subList(0, 3) + "…");
      }
    }
    owners.refreshNow();
    return elsewhere;
  }

  // ------------------------------------------------------------------ reload

  /** What a reload changed. */
  public record ReloadSummary(int added, int removed, int failed) {}

  /**
   * Brings the vault in line with the keystore directory ({@code fromDisk}, when keystores are
   * configured; the caller hands over the secrets) and with the sealed keys in the database: new
   * keys are added, keys whose file or sealed record is gone are removed. In-flight requests are
   * unaffected: a removed key's request fails exactly like after a Keymanager delete.
   */
  public synchronized ReloadSummary reload(Optional<Collection<BlsSecretKey>> fromDisk, OperatorId diskOperator)
      throws InterruptedException {
    requireInProcessVault();
    int before = inProcess.publicKeys().size();
    int removed = 0;
    if (fromDisk.isPresent()) {
      Set<BlsPublicKey> onDisk = new HashSet<>();
      List<BlsSecretKey> fresh = new ArrayList<>();
      for (BlsSecretKey key : fromDisk.get()) {
        if (onDisk.add(key.publicKey()) && !inProcess.holds(key.publicKey())) {
          fresh.add(key);
        } else {
          key.close();
        }
      }
      loadReadOnly(fresh, diskOperator);
      for (BlsPublicKey key : List.copyOf(readOnly)) {
        if (!onDisk.contains(key) && inProcess.remove(key)) {
          readOnly.remove(key);
          removed++;
        }
      }
    }
    int failed = loadSealed().stream().mapToInt(summary -> summary.failures().size()).sum();
    if (keks.durable()) {
      Set<BlsPublicKey> sealed = new HashSet<>();
      for (SealedKeys operatorKeys : keks.all()) {
        sealed.addAll(operatorKeys.store().publicKeys(operatorKeys.operator()));
      }
      for (BlsPublicKey key : inProcess.publicKeys()) {
        if (!readOnly.contains(key) && !sealed.contains(key) && inProcess.remove(key)) {
          removed++; // deleted with the CLI or on another instance
        }
      }
    }
    int added = inProcess.publicKeys().size() - before + removed;
    LOG.info("reload: {} key(s) added, {} removed, {} failed to open", added, removed, failed);
    return new ReloadSummary(added, removed, failed);
  }

  // ------------------------------------------------------------------ Keymanager API

  /**
   * Imports one EIP-2335 keystore for {@code actor}'s operator, with its slashing history ({@code
   * interchange}, EIP-3076, may be null), in the order of the class comment.
   */
  public ImportResult importKeystore(Actor actor, String keystoreJson, String password, byte[] interchange) {
    if (inProcess == null) {
      return ImportResult.error("keys are managed by the vault process; import them there");
    }
    if (actor.operator().equals(OperatorId.ROOT)) {
      return ImportResult.error("the root operator administers; it holds no keys");
    }
    Eip2335Keystore keystore;
    BlsSecretKey secret;
    try {
      keystore = Eip2335Keystore.parse(keystoreJson);
      secret = keystore.decrypt(password);
    } catch (KeystoreException e) {
      return ImportResult.error(e.getMessage()); // the same answer whoever owns the key it names
    }
    if (keystore.pubkey().isPresent() && !keystore.pubkey().get().equals(secret.publicKey())) {
      secret.close();
      return ImportResult.error("the keystore's pubkey is not the public key of its secret");
    }
    return importSecret(actor, secret, keystore.path(), interchange);
  }

  /**
   * Imports one decrypted key for {@code actor}'s operator, as {@link #importKeystore} does after
   * decryption. The registry keeps {@code secret} when the result is IMPORTED and closes it otherwise.
   */
  ImportResult importSecret(Actor actor, BlsSecretKey secret, Optional<String> path, byte[] interchange) {
    boolean handedToVault = false;
    try {
      BlsPublicKey key = secret.publicKey();
      synchronized (keyLocks.computeIfAbsent(key, k -> new Object())) {
        ImportResult result = importDecrypted(actor, key, secret, path, interchange);
        handedToVault = result.status() == ImportStatus.IMPORTED;
        return result;
      }
    } finally {
      if (!handedToVault) {
        secret.close();
      }
    }
  }

  /** Whether {@code key} is sealed for {@code operator} in the shared database. */
  boolean isSealedFor(OperatorId operator, BlsPublicKey key) {
    return keks.of(operator).map(sealed -> sealed.store().get(key)
        .filter(record -> record.operator().value().equals(operator.value())).isPresent()).orElse(false);
  }

  private ImportResult importDecrypted(
      Actor actor, BlsPublicKey key, BlsSecretKey secret, Optional<String> path, byte[] interchange) {
    OperatorId operator = actor.operator();
    Optional<OperatorId> owner = owners.ownerOf(key);
    if (owner.isPresent() && !owner.get().equals(operator)) {
      return ImportResult.error("this key is managed by another operator");
    }
    if (inProcess.holds(key)) {
      return new ImportResult(ImportStatus.DUPLICATE, readOnly.contains(key) ? READ_ONLY_MESSAGE : "key already active");
    }
    Optional<SealedKeys> sealed = keks.of(operator);
    if (sealed.isEmpty() && keks.durable()) {
      return ImportResult.error("operator '" + operator + "' has no key-wrapping key on this node; start it with"
          + " --operator-kek-passphrase-file " + operator + "=FILE");
    }
    boolean claimed = owner.isEmpty();
    try {
      if (claimed) {
        owners.assignKey(key, operator);
        owners.refreshNow();
      }
      if (slashing != null) {
        slashing.registerValidators(List.of(key));
        if (interchange != null) {
          slashing.importInterchange(new ByteArrayInputStream(interchange), List.of(key));
        }
      }
      if (sealed.isPresent()) {
        sealed.get().seal(secret);
      }
      if (slashing != null) {
        slashing.setEnabled(key, true); // a re-import after a delete: the caller proved it holds the secret
      }
    } catch (AuthConflictException e) {
      return ImportResult.error("this key is managed by another operator");
    } catch (InterchangeException e) {
      releaseClaim(key, claimed);
      return ImportResult.error("slashing protection data refused: " + e.getMessage());
    } catch (SealedKeys.SealingException e) {
      releaseClaim(key, claimed);
      return ImportResult.error("cannot seal the key: " + e.getMessage());
    }
    if (!inProcess.add(secret)) {
      return new ImportResult(ImportStatus.DUPLICATE, "key already active");
    }
    path.ifPresent(p -> paths.put(key, p));
    audit.record(actor, key, owner.isPresent() ? "KEY_REIMPORT" : "KEY_IMPORT",
        sealed.isPresent() ? "sealed under the operator's KEK" : "held in memory only (no KEK configured)");
    return new ImportResult(ImportStatus.IMPORTED, "imported");
  }

  /** A brand-new key whose import failed leaves no owner behind (its history may stay: it can only protect). */
  private void releaseClaim(BlsPublicKey key, boolean claimed) {
    if (claimed) {
      owners.unassignKey(key);
      owners.refreshNow();
    }
  }

  /**
   * Stops signing with a key of {@code actor}'s operator and forgets its secret; its slashing
   * history stays (for export) and it is disabled so every instance on the database stops.
   * Read-only keys are refused and left exactly as they are.
   */
  public DeleteResult delete(Actor actor, BlsPublicKey key, boolean hasHistory) {
    Optional<OperatorId> owner = owners.ownerOf(key);
    if (owner.isEmpty() || !owner.get().equals(actor.operator())) {
      return new DeleteResult(DeleteStatus.NOT_FOUND, "");
    }
    if (readOnly.contains(key)) {
      return new DeleteResult(DeleteStatus.ERROR, READ_ONLY_MESSAGE);
    }
    synchronized (keyLocks.computeIfAbsent(key, k -> new Object())) {
      boolean held = inProcess != null && inProcess.remove(key); // stop signing first
      boolean stored = keks.deleteSealed(key);
      paths.remove(key);
      if (slashing != null) {
        slashing.setEnabled(key, false); // other instances sharing the database stop too
      }
      if (held || stored) {
        audit.record(actor, key, "KEY_DELETE", "deleted; slashing history kept");
        return new DeleteResult(DeleteStatus.DELETED, "");
      }
      return hasHistory
          ? new DeleteResult(DeleteStatus.NOT_ACTIVE, "key not loaded; its slashing protection data is exported")
          : new DeleteResult(DeleteStatus.NOT_FOUND, "");
    }
  }

  /** The keys this node holds that belong to {@code operator}. */
  public List<KeyInfo> list(OperatorId operator) {
    Set<BlsPublicKey> owned = new HashSet<>(owners.keysOf(operator));
    return vault.publicKeys().stream()
        .filter(owned::contains)
        .sorted(Comparator.naturalOrder())
        .map(key -> new KeyInfo(key, Optional.ofNullable(paths.get(key)), readOnly.contains(key)))
        .toList();
  }

  public boolean isReadOnly(BlsPublicKey key) {
    return readOnly.contains(key);
  }

  private void requireInProcessVault() {
    if (inProcess == null) {
      throw new IllegalStateException("keys are loaded by the vault process, not by the server");
    }
  }
}
