package dev.palisade.vault.kek;

import dev.palisade.crypto.SecretBytes;
import dev.palisade.vault.seal.AesGcm;
import dev.palisade.vault.seal.DataKey;
import dev.palisade.vault.seal.DataKeyBinding;

/**
 * A key-wrapping key (KEK): wraps and unwraps 256-bit data keys, each bound to the record it
 * protects. Local KEKs (a sealed file, an HSM) wrap a locally generated data key; a KMS generates
 * the data key itself, which is why new records ask for {@link #newDataKey} rather than calling
 * {@link #wrap}. Implementations are thread-safe.
 */
public interface KekProvider extends AutoCloseable {

  /** Stable id of this KEK, stored in every record it wraps (e.g. {@code pkcs11:palisade-kek}). */
  String id();

  /** A fresh data key for a new record. The default draws it locally and wraps it. */
  default DataKey newDataKey(DataKeyBinding binding) throws KekException {
    SecretBytes plaintext = SecretBytes.takeOwnership(AesGcm.randomBytes(DataKey.BYTES));
    try {
      return new DataKey(plaintext, id(), wrap(plaintext, binding));
    } catch (KekException | RuntimeException e) {
      plaintext.close();
      throw e;
    }
  }

  /** Wraps an existing data key (used by KEK rotation). */
  byte[] wrap(SecretBytes dataKey, DataKeyBinding binding) throws KekException;

  /**
   * Unwraps a data key. The caller owns and must close the result.
   *
   * @throws KekException of kind {@code UNWRAP_FAILED} if the wrapped key was made by another KEK
   *     or for another binding, or was altered
   */
  SecretBytes unwrap(byte[] wrapped, DataKeyBinding binding) throws KekException;

  /** Releases the KEK (zeroes it, logs out of the HSM, closes the client). Idempotent. */
  @Override
  void close();
}
