package dev.palisade.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.security.auth.DestroyFailedException;
import org.bouncycastle.crypto.generators.SCrypt;

/** Runs a {@link Kdf} over a normalised password. */
final class KeyDerivation {
  private KeyDerivation() {}

  /** The 32-byte DK; the caller must wipe it. */
  static byte[] deriveKey(Kdf kdf, KeystorePassword password) {
    if (kdf instanceof Kdf.Scrypt scrypt) {
      return SCrypt.generate(
          password.utf8(), scrypt.salt(), scrypt.n(), scrypt.r(), scrypt.p(), Kdf.DKLEN);
    }
    if (kdf instanceof Kdf.Pbkdf2 pbkdf2) {
      return pbkdf2HmacSha256(password, pbkdf2.salt(), pbkdf2.c());
    }
    throw new IllegalArgumentException("unknown kdf " + kdf.function());
  }

  /**
   * Uses the JDK's PBKDF2WithHmacSHA256 (about 3x faster than BouncyCastle's here). It takes chars
   * and UTF-8-encodes them itself, which gives exactly the EIP-2335 password bytes because {@link
   * KeystorePassword} has already rejected anything that is not valid Unicode (a test checks the
   * result against BouncyCastle over raw bytes). The JDK key object keeps its own copy of the DK,
   * which on JDK 17 cannot be destroyed: its Cleaner wipes it after GC.
   */
  private static byte[] pbkdf2HmacSha256(KeystorePassword password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password.chars(), salt, iterations, Kdf.DKLEN * 8);
    try {
      SecretKey key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec);
      byte[] derived = key.getEncoded();
      tryDestroy(key);
      return derived;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is unavailable", e);
    } finally {
      spec.clearPassword();
    }
  }

  private static void tryDestroy(SecretKey key) {
    try {
      key.destroy();
    } catch (DestroyFailedException notSupported) {
      // JDK 17's PBKDF2KeyImpl relies on its Cleaner instead.
    }
  }
}
