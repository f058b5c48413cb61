package dev.palisade.vault.kek;

import dev.palisade.crypto.SecretBytes;
import dev.palisade.vault.seal.AesGcm;
import dev.palisade.vault.seal.DataKey;
import dev.palisade.vault.seal.DataKeyBinding;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * The wrapped-DEK format of the AES-GCM KEKs (sealed file, PKCS#11): {@code 0x01 ‖ nonce(12) ‖
 * AES-GCM(KEK, DEK, aad = binding.dataKeyAad())(32 + 16)}. The cipher itself is supplied by the
 * provider (JDK or HSM).
 */
final class GcmWrapping {
  static final byte VERSION = 1;
  static final int WRAPPED_BYTES = 1 + AesGcm.NONCE_BYTES + DataKey.BYTES + AesGcm.TAG_BYTES;

  interface GcmCipher {
    byte[] encrypt(byte[] nonce, byte[] aad, byte[] plaintext) throws KekException;

    byte[] decrypt(byte[] nonce, byte[] aad, byte[] ciphertext)
        throws KekException, AEADBadTagException;
  }

  private GcmWrapping() {}

  static byte[] wrap(GcmCipher cipher, SecretBytes dataKey, DataKeyBinding binding)
      throws KekException {
    if (dataKey.length() != DataKey.BYTES) {
      throw new IllegalArgumentException("a data key is " + DataKey.BYTES + " bytes");
    }
    byte[] nonce = AesGcm.newNonce();
    byte[] sealed = cipher.encrypt(nonce, binding.dataKeyAad(), dataKey.array());
    byte[] out = new byte[WRAPPED_BYTES];
    out[0] = VERSION;
    System.arraycopy(nonce, 0, out, 1, nonce.length);
    System.arraycopy(sealed, 0, out, 1 + nonce.length, sealed.length);
    return out;
  }

  static SecretBytes unwrap(GcmCipher cipher, byte[] wrapped, DataKeyBinding binding)
      throws KekException {
    if (wrapped.length != WRAPPED_BYTES || wrapped[0] != VERSION) {
      throw new KekException(
          KekException.Kind.UNWRAP_FAILED, "wrapped data key has an unknown format");
    }
    byte[] nonce = Arrays.copyOfRange(wrapped, 1, 1 + AesGcm.NONCE_BYTES);
    byte[] sealed = Arrays.copyOfRange(wrapped, 1 + AesGcm.NONCE_BYTES, wrapped.length);
    try {
      return SecretBytes.takeOwnership(cipher.decrypt(nonce, binding.dataKeyAad(), sealed));
    } catch (AEADBadTagException e) {
      throw new KekException(
          KekException.Kind.UNWRAP_FAILED,
          "data key does not open under this KEK for this public key and operator");
    }
  }
}
