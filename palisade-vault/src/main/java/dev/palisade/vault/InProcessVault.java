package dev.palisade.vault;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.BlsSignature;
import dev.palisade.crypto.HashToCurveCache;
import dev.palisade.crypto.SecretBytes;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.eth2.signing.SlashingSubject;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmSignature;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.vault.watermark.Watermark;
import dev.palisade.vault.watermark.WatermarkPolicy;
import dev.palisade.vault.watermark.WatermarkStore;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A vault inside the current process: keys live in this JVM's heap.
 *
 * <p>Concurrency: each held key has a read/write lock. Signing holds the read lock, {@link
 * #remove} takes the write lock, so a key is never zeroed while a signature with it is being made,
 * and a sign that loses the race reports {@link UnknownKeyException}. With watermarks enabled, a
 * BLOCK/BLOCK_V2 or ATTESTATION additionally takes the key's own mutex for exactly check + durable
 * watermark update + sign; the signing root is computed before any lock is taken.
 */
public final class InProcessVault implements Vault {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessVault.class);

  /** What {@link #verifyPublicKey} found. */
  public enum KeyCheck {
    VERIFIED,
    /** The secret does not derive the public key it was loaded under; it was removed. */
    MISMATCH_REMOVED,
    NOT_HELD
  }

  private static final class Held {
    final BlsSecretKey key;
    final ReentrantReadWriteLock life = new ReentrantReadWriteLock();
    final ReentrantLock watermark = new ReentrantLock();
    boolean removed; // guarded by life's write lock (written) / read lock (read)

    Held(BlsSecretKey key) {
      this.key = key;
    }
  }

  private final ConcurrentHashMap<BlsPublicKey, Held> keys = new ConcurrentHashMap<>();
  private final EvmKeyRing evmKeys = new EvmKeyRing();
  private final WatermarkStore watermarkStore; // null: no watermarks
  private final ConcurrentHashMap<BlsPublicKey, Watermark> watermarks = new ConcurrentHashMap<>();
  /** One cache per tenant (operator); a vault process learns the tenant from SIGN_AS (plain SIGN shares nothing). */
  private final ConcurrentHashMap<String, HashToCurveCache> hashToCurve = new ConcurrentHashMap<>();

  /**
   * A vault without high-watermarks (the signing policies in front of it are the only slashing
   * protection). Use {@link #InProcessVault(WatermarkStore)} for defence in depth.
   */
  public InProcessVault() {
    this.watermarkStore = null;
  }

  /**
   * A vault that enforces per-key high-watermarks, kept in {@code watermarks} (read now, written
   * durably before each signature is returned). The vault closes the store when it is closed.
   */
  public InProcessVault(WatermarkStore watermarks) {
    this.watermarkStore = watermarks;
    this.watermarks.putAll(watermarks.loadAll());
  }

  public boolean enforcesWatermarks() {
    return watermarkStore != null;
  }

  /** The key's current watermark, if watermarks are enforced and it ever signed a slashable type. */
  public Optional<Watermark> watermark(BlsPublicKey key) {
    return Optional.ofNullable(watermarks.get(key));
  }

  /** Takes ownership of the keys; a key already held is closed and the first copy kept. */
  public void addAll(Collection<BlsSecretKey> secretKeys) {
    for (BlsSecretKey secretKey : secretKeys) {
      add(secretKey);
    }
  }

  /** Takes ownership of the key. Returns false (and closes it) when the key is already held. */
  public boolean add(BlsSecretKey secretKey) {
    Held previous = keys.putIfAbsent(secretKey.publicKey(), new Held(secretKey));
    if (previous != null) {
      secretKey.close();
      return false;
    }
    return true;
  }

  /**
   * Stops signing with the key and zeroes it, after any signature in progress with it completes.
   * Returns false if it was not held. Its watermark (if any) is kept: a key removed and added back
   * still cannot sign below it.
   */
  public boolean remove(BlsPublicKey key) {
    Held removed = keys.remove(key);
    if (removed == null) {
      return false;
    }
    retire(removed);
    return true;
  }

  private static void retire(Held held) {
    held.life.writeLock().lock();
    try {
      held.removed = true;
      held.key.close();
    } finally {
      held.life.writeLock().unlock();
    }
  }

  @Override
  public Set<BlsPublicKey> publicKeys() {
    return Set.copyOf(keys.keySet());
  }

  @Override
  public boolean holds(BlsPublicKey key) {
    return keys.containsKey(key);
  }

  /** Signs without sharing any work with other signatures: the caller's tenant is unknown. */
  @Override
  public BlsSignature sign(BlsPublicKey key, SigningRequest request, Network network) {
    return sign(key, request, network, null);
  }

  @Override
  public BlsSignature sign(
      BlsPublicKey key, byte[] requestJson, SigningRequest decoded, Network network, String tenant) {
    return sign(key, decoded, network, tenant);
  }

  /**
   * Signs for a caller of {@code tenant}. A message many validators sign alike is hashed to the curve once
   * per tenant (see {@link HashToCurveCache}); the cache is the tenant's own, so its timing tells a caller
   * only about its own tenant's signatures. A null tenant shares nothing.
   */
  public BlsSignature sign(BlsPublicKey key, SigningRequest request, Network network, String tenant) {
    if (!keys.containsKey(key)) {
      throw new UnknownKeyException(key);
    }
    Bytes32 root = request.signingRoot(network); // outside every lock: hashing a block takes time
    Optional<SlashingSubject> subject =
        watermarkStore == null ? Optional.empty() : request.slashingSubject();
    Held held = keys.get(key);
    if (held == null) {
      throw new UnknownKeyException(key);
    }
    held.life.readLock().lock();
    try {
      if (held.removed) {
        throw new UnknownKeyException(key);
      }
      if (subject.isEmpty()) {
        return sign(held.key, root, request, tenant);
      }
      held.watermark.lock();
      try {
        Watermark current = watermarks.getOrDefault(key, Watermark.NONE);
        Watermark next = WatermarkPolicy.next(key, current, subject.get(), root);
        if (next != current) {
          watermarkStore.save(key, next); // durable before the signature exists
          watermarks.put(key, next);
        }
        return sign(held.key, root, request, tenant);
      } finally {
        held.watermark.unlock();
      }
    } finally {
      held.life.readLock().unlock();
    }
  }

  private BlsSignature sign(BlsSecretKey key, Bytes32 root, SigningRequest request, String tenant) {
    if (tenant == null || !request.type().signedAlikeByManyValidators()) {
      return key.sign(root);
    }
    return key.sign(root, hashToCurve.computeIfAbsent(tenant, unused -> new HashToCurveCache()));
  }

  /** Signatures that reused a hash to the curve, and those that computed it, over every tenant. */
  public HashToCurveStats hashToCurveStats() {
    long hits = 0;
    long misses = 0;
    for (HashToCurveCache cache : hashToCurve.values()) {
      hits += cache.hits();
      misses += cache.misses();
    }
    return new HashToCurveStats(hits, misses);
  }

  public record HashToCurveStats(long hits, long misses) {}

  /**
   * Derives the key's real public key from its secret and compares it with the public key it is
   * held under (keys loaded with {@link BlsSecretKey#fromAuthenticatedBytes} skipped that). On a
   * mismatch the key is removed and an error naming only the public key is logged.
   */
  public KeyCheck verifyPublicKey(BlsPublicKey key) {
    Held held = keys.get(key);
    if (held == null) {
      return KeyCheck.NOT_HELD;
    }
    boolean matches;
    held.life.readLock().lock();
    try {
      if (held.removed) {
        return KeyCheck.NOT_HELD;
      }
      try (SecretBytes secret = held.key.exportSecret();
          BlsSecretKey derived = BlsSecretKey.fromBytes(secret)) {
        matches = derived.publicKey().equals(key);
      }
    } finally {
      held.life.readLock().unlock();
    }
    if (matches) {
      return KeyCheck.VERIFIED;
    }
    if (keys.remove(key, held)) {
      retire(held);
    }
    LOG.error(
        "the secret loaded for public key {} does not derive that public key; the key was removed"
            + " from the vault and will not sign",
        key);
    return KeyCheck.MISMATCH_REMOVED;
  }

  /** The secp256k1 keys: add and remove them here. */
  public EvmKeyRing evm() {
    return evmKeys;
  }

  @Override
  public Set<Address> evmAddresses() {
    return evmKeys.addresses();
  }

  @Override
  public EvmSignature signEvm(Address address, EvmSigningRequest request) {
    return evmKeys.sign(address, request);
  }

  @Override
  public void close() {
    evmKeys.closeAll();
    for (BlsPublicKey key : Set.copyOf(keys.keySet())) {
      remove(key);
    }
    if (watermarkStore != null) {
      watermarkStore.close();
    }
  }
}
