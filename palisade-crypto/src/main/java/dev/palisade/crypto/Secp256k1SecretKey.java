package dev.palisade.crypto;

import dev.palisade.evm.Address;
import dev.palisade.evm.EvmSignature;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * A secp256k1 secret key. Signs 32-byte digests with BouncyCastle's ECDSA and RFC 6979 deterministic
 * nonces (HMAC-SHA256), normalised to low s (EIP-2). The secret is held as a byte array wiped by
 * {@link #close()}; BouncyCastle needs it as a BigInteger for each signature, which cannot be wiped
 * and lives only for that call. Hand-written here (BouncyCastle lacks it): the recovery id, found by
 * recovering the public key from (r, s) as SEC 1 §4.1.6 describes.
 */
public final class Secp256k1SecretKey implements AutoCloseable {
  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256k1");
  private static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());
  private static final BigInteger HALF_N = CURVE.getN().shiftRight(1);

  private final byte[] secret;
  private final ECPoint publicPoint;
  private final Address address;
  private volatile boolean closed;

  private Secp256k1SecretKey(byte[] secret) {
    BigInteger d = new BigInteger(1, secret);
    if (secret.length != 32 || d.signum() == 0 || d.compareTo(CURVE.getN()) >= 0) {
      throw new IllegalArgumentException("not a valid secp256k1 secret key");
    }
    this.secret = secret;
    this.publicPoint = new FixedPointCombMultiplier().multiply(CURVE.getG(), d).normalize();
    this.address = Address.ofPublicKey(publicPoint.getEncoded(false));
  }

  /** Copies the 32 secret bytes; the caller wipes its own copy. */
  public static Secp256k1SecretKey fromBytes(SecretBytes secret) {
    return new Secp256k1SecretKey(secret.array().clone());
  }

  /** A new random key, for generation inside the vault. */
  public static Secp256k1SecretKey generate(SecureRandom random) {
    byte[] bytes = new byte[32];
    while (true) {
      random.nextBytes(bytes);
      BigInteger d = new BigInteger(1, bytes);
      if (d.signum() > 0 && d.compareTo(CURVE.getN()) < 0) {
        return new Secp256k1SecretKey(bytes);
      }
    }
  }

  /** A copy of the secret, only for sealing it; the caller must close it. */
  public SecretBytes secretBytes() {
    checkOpen();
    return SecretBytes.copyOf(secret);
  }

  /** The uncompressed public key, 65 bytes starting with 0x04. */
  public byte[] publicKey() {
    return publicPoint.getEncoded(false);
  }

  public Address address() {
    return address;
  }

  /** Signs a 32-byte digest the caller computed from typed content. */
  public EvmSignature sign(byte[] digest) {
    checkOpen();
    if (digest.length != 32) {
      throw new IllegalArgumentException("a secp256k1 digest is 32 bytes");
    }
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(new BigInteger(1, secret), DOMAIN));
    BigInteger[] rs = signer.generateSignature(digest);
    BigInteger r = rs[0];
    BigInteger s = rs[1].compareTo(HALF_N) > 0 ? CURVE.getN().subtract(rs[1]) : rs[1];
    for (int recId = 0; recId < 2; recId++) {
      ECPoint recovered = recover(recId, r, s, digest);
      if (recovered != null && recovered.equals(publicPoint)) {
        return new EvmSignature(word(r), word(s), recId);
      }
    }
    // r >= p - n (x overflow, probability ~2^-128) would need recovery ids 2 and 3, which EVM v lacks.
    throw new IllegalStateException("no recovery id for this signature");
  }

  /** SEC 1 §4.1.6 public key recovery for R.x = r (no overflow), R.y parity = recId. */
  static ECPoint recover(int recId, BigInteger r, BigInteger s, byte[] digest) {
    BigInteger n = CURVE.getN();
    byte[] compressed = new byte[33];
    compressed[0] = (byte) (recId == 0 ? 0x02 : 0x03);
    byte[] x = word(r);
    System.arraycopy(x, 0, compressed, 1, 32);
    ECPoint point;
    try {
      point = CURVE.getCurve().decodePoint(compressed);
    } catch (IllegalArgumentException notOnCurve) {
      return null;
    }
    BigInteger e = new BigInteger(1, digest);
    BigInteger rInv = r.modInverse(n);
    BigInteger u1 = e.negate().multiply(rInv).mod(n);
    BigInteger u2 = s.multiply(rInv).mod(n);
    return ECAlgorithms.sumOfTwoMultiplies(CURVE.getG(), u1, point, u2).normalize();
  }

  private static byte[] word(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] out = new byte[32];
    int length = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - length, out, 32 - length, length);
    return out;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("secret key was already wiped");
    }
  }

  @Override
  public void close() {
    closed = true;
    Arrays.fill(secret, (byte) 0);
  }

  @Override
  public String toString() {
    return "Secp256k1SecretKey[" + address + ", secret redacted]";
  }
}
