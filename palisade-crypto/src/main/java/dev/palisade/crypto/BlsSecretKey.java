package dev.palisade.crypto;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Hex;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import supranational.blst.P1;
import supranational.blst.P2;

/**
 * A BLS12-381 secret key held in blst. Signing is thread-safe; the public key is derived once.
 *
 * <p>Zeroization: {@link #close()} zeroes the {@code long[]} inside blst's key object, and every
 * byte[] this class creates is wiped after use. What cannot be wiped: copies the JVM or the JNI
 * layer make on their own (GC moves of the arrays, and any native copy blst's JNI glue makes of the
 * input bytes during {@code from_bendian}), and the caller's input array, which the caller owns.
 */
public final class BlsSecretKey implements AutoCloseable {
  public static final int SIZE = 32;

  /** The curve order r, big-endian: a valid secret key is in [1, r). */
  private static final byte[] CURVE_ORDER =
      Hex.decode("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");

  private final WipeableBlstSecretKey key;
  private final BlsPublicKey publicKey;
  // Read lock for signing, write lock for close, so a signature never uses a half-wiped key.
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private BlsSecretKey(WipeableBlstSecretKey key) {
    this(key, BlsPublicKey.wrap(new P1(key).compress()));
  }

  private BlsSecretKey(WipeableBlstSecretKey key, BlsPublicKey publicKey) {
    this.key = key;
    this.publicKey = publicKey;
  }

  /**
   * Creates a key from its 32-byte big-endian encoding. The input is copied into blst and not
   * modified; the caller remains responsible for wiping it.
   *
   * @throws IllegalArgumentException if the length is wrong or the value is zero or not below the
   *     curve order (the message never contains the key)
   */
  public static BlsSecretKey fromBytes(byte[] secret) {
    if (secret.length != SIZE) {
      throw new IllegalArgumentException("a BLS secret key is 32 bytes but got " + secret.length);
    }
    if (isZero(secret)) {
      throw new IllegalArgumentException("a BLS secret key must not be zero");
    }
    if (!isBelowCurveOrder(secret)) {
      throw new IllegalArgumentException("a BLS secret key must be below the curve order r");
    }
    WipeableBlstSecretKey key = new WipeableBlstSecretKey();
    key.from_bendian(secret);
    return new BlsSecretKey(key);
  }

  /**
   * Creates a key from its 32-byte big-endian encoding <em>without</em> deriving its public key:
   * {@code knownPublicKey} is taken as the key's public key. This skips the G1 scalar
   * multiplication that dominates {@link #fromBytes(byte[])} (about 95% of opening a sealed key).
   *
   * <p>Only for secrets whose binding to {@code knownPublicKey} is already authenticated, e.g. a
   * secret that came out of an AES-GCM decryption whose associated data holds that public key, so
   * the tag proves it was sealed for that key by a KEK holder. A secret of unknown origin must go
   * through {@link #fromBytes(byte[])}. If the binding could be wrong (a bug or a malicious KEK
   * holder), the key would sign with a scalar that is not the one of {@link #publicKey()}, and its
   * signatures would not verify; callers should re-derive the public key later (off the critical
   * path) and drop the key on a mismatch.
   *
   * <p>The scalar is still range-checked. The input is copied into blst and not modified; the
   * caller remains responsible for wiping it.
   *
   * @throws IllegalArgumentException if the length is wrong or the value is zero or not below the
   *     curve order (the message never contains the key)
   */
  public static BlsSecretKey fromAuthenticatedBytes(byte[] secret32, BlsPublicKey knownPublicKey) {
    if (knownPublicKey == null) {
      throw new IllegalArgumentException("the authenticated public key is required");
    }
    if (secret32.length != SIZE) {
      throw new IllegalArgumentException("a BLS secret key is 32 bytes but got " + secret32.length);
    }
    if (isZero(secret32)) {
      throw new IllegalArgumentException("a BLS secret key must not be zero");
    }
    if (!isBelowCurveOrder(secret32)) {
      throw new IllegalArgumentException("a BLS secret key must be below the curve order r");
    }
    WipeableBlstSecretKey key = new WipeableBlstSecretKey();
    key.from_bendian(secret32);
    return new BlsSecretKey(key, knownPublicKey);
  }

  /** Creates a key from {@link SecretBytes}, which stay owned (and closed) by the caller. */
  public static BlsSecretKey fromBytes(SecretBytes secret) {
    return fromBytes(secret.array());
  }

  /** The cached public key, available even after {@link #close()}. */
  public BlsPublicKey publicKey() {
    return publicKey;
  }

  /** Signs {@code message} with the POP ciphersuite ({@link Bls#DST}). */
  public BlsSignature sign(byte[] message) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("secret key is closed");
      }
      P2 signature = new P2().hash_to(message, Bls.DST, new byte[0]).sign_with(key);
      return BlsSignature.wrap(signature.compress());
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Signs a 32-byte signing root, the message of every consensus-layer signature. */
  public BlsSignature sign(Bytes32 signingRoot) {
    return sign(signingRoot.toArray());
  }

  /**
   * Signs a signing root whose hash to the curve {@code cache} may already hold: the same signature as
   * {@link #sign(Bytes32)}, for half the work on a hit. Only for roots many keys sign publicly (see
   * {@link HashToCurveCache}).
   */
  public BlsSignature sign(Bytes32 signingRoot, HashToCurveCache cache) {
    P2 point = cache.pointFor(signingRoot); // outside the lock: hashing does not touch the key
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("secret key is closed");
      }
      return BlsSignature.wrap(point.sign_with(key).compress());
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Returns a copy of the 32-byte big-endian secret, for sealing it elsewhere. The caller must
   * close the result.
   */
  public SecretBytes exportSecret() {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("secret key is closed");
      }
      return SecretBytes.takeOwnership(key.to_bendian());
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  public boolean isClosed() {
    lifecycle.readLock().lock();
    try {
      return closed;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Zeroes the key held by blst; later sign() calls fail. Idempotent. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      closed = true;
      key.wipe();
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "BlsSecretKey[publicKey=" + publicKey + ", secret redacted]";
  }

  private static boolean isZero(byte[] value) {
    int acc = 0;
    for (byte b : value) {
      acc |= b;
    }
    return acc == 0;
  }

  /** Big-endian value < r, computed as the borrow of value - r without early exit. */
  private static boolean isBelowCurveOrder(byte[] value) {
    int borrow = 0;
    for (int i = SIZE - 1; i >= 0; i--) {
      int diff = (value[i] & 0xff) - (CURVE_ORDER[i] & 0xff) - borrow;
      borrow = (diff >> 31) & 1;
    }
    return borrow == 1;
  }
}
