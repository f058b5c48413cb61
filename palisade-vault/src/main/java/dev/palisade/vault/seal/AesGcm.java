package dev.palisade.vault.seal;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM with a 96-bit random nonce and a 128-bit tag, in the JDK. One {@link Cipher} per thread:
 * {@code Cipher.getInstance} costs more than encrypting 32 bytes, and opening 100,000 keys at start
 * calls this twice per key.
 */
public final class AesGcm {
  public static final int NONCE_BYTES = 12;
  public static final int TAG_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(AesGcm::newCipher);

  private AesGcm() {}

  public static byte[] newNonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  /** Fills a fresh array with {@code length} random bytes (for keys and salts). */
  public static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** Returns ciphertext ‖ tag. */
  public static byte[] encrypt(Key key, byte[] nonce, byte[] aad, byte[] plaintext) {
    try {
      Cipher cipher = CIPHERS.get();
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      cipher.updateAAD(aad);
      return cipher.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed: " + e.getClass().getSimpleName());
    }
  }

  /**
   * Decrypts ciphertext ‖ tag. The caller owns (and must wipe) the returned plaintext.
   *
   * @throws AEADBadTagException if the key, nonce, associated data or ciphertext differ from the
   *     ones used to encrypt
   */
  public static byte[] decrypt(Key key, byte[] nonce, byte[] aad, byte[] ciphertext)
      throws AEADBadTagException {
    return decrypt(key, nonce, aad, ciphertext, 0, ciphertext.length);
  }

  public static byte[] decrypt(
      Key key, byte[] nonce, byte[] aad, byte[] ciphertext, int offset, int length)
      throws AEADBadTagException {
    try {
      Cipher cipher = CIPHERS.get();
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      cipher.updateAAD(aad);
      return cipher.doFinal(ciphertext, offset, length);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed: " + e.getClass().getSimpleName());
    }
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding is unavailable", e);
    }
  }
}
