package dev.palisade.vault.keys;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.SecretBytes;
import dev.palisade.vault.kek.KekException;
import dev.palisade.vault.kek.KekProvider;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.seal.AesGcm;
import dev.palisade.vault.seal.DataKey;
import dev.palisade.vault.seal.DestroyableAesKey;
import dev.palisade.vault.seal.KeyBinding;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import javax.crypto.AEADBadTagException;

/**
 * Envelope encryption of BLS secret keys: AES-256-GCM under a fresh data key per key, the data key
 * wrapped by the operator's KEK, both bound to (public key, operator, format version). Every
 * intermediate secret (data key, clear key bytes) is zeroed before returning.
 */
public final class KeySealer {
  private KeySealer() {}

  /** Seals {@code key} (which stays owned and open) for {@code operator} under {@code kek}. */
  public static SealedKey seal(BlsSecretKey key, OperatorId operator, KekProvider kek)
      throws SealedKeyException {
    KeyBinding binding = new KeyBinding(key.publicKey(), operator, SealedKey.CURRENT_FORMAT);
    try (DataKey dataKey = kek.newDataKey(binding);
        SecretBytes secret = key.exportSecret()) {
      DestroyableAesKey aes = new DestroyableAesKey(dataKey.plaintext().array());
      try {
        byte[] nonce = AesGcm.newNonce();
        byte[] ciphertext = AesGcm.encrypt(aes, nonce, binding.keyAad(), secret.array());
        return new SealedKey(
            binding.publicKey(),
            operator,
            binding.formatVersion(),
            dataKey.kekId(),
            dataKey.wrapped(),
            nonce,
            ciphertext);
      } finally {
        aes.destroy();
      }
    } catch (KekException e) {
      throw new SealedKeyException(
          SealedKeyException.Kind.KEK_FAILURE, key.publicKey(), "cannot seal: " + e.getMessage(), e);
    }
  }

  /** Opens a record with whichever KEK of the ring wrapped it. The caller owns the result. */
  public static BlsSecretKey open(SealedKey record, KekRing keks) throws SealedKeyException {
    KekProvider kek =
        keks.find(record.kekId())
            .orElseThrow(
                () ->
                    new SealedKeyException(
                        SealedKeyException.Kind.UNKNOWN_KEK,
                        record.publicKey(),
                        "record is wrapped by KEK " + record.kekId() + ", which is not available"));
    return open(record, kek);
  }

  /**
   * Opens a record wrapped by {@code kek} and checks that the secret is the key of the record's
   * public key. The caller owns (and must close) the result.
   */
  public static BlsSecretKey open(SealedKey record, KekProvider kek) throws SealedKeyException {
    try (SecretBytes secret = openSecret(record, kek)) {
      BlsSecretKey key = BlsSecretKey.fromBytes(secret);
      if (!key.publicKey().equals(record.publicKey())) {
        key.close();
        throw invalidKey(record);
      }
      return key;
    } catch (IllegalArgumentException e) {
      throw invalidKey(record);
    }
  }

  /**
   * Opens a record like {@link #open(SealedKey, KekRing)} but without deriving the public key from
   * the secret (the derivation is 95% of the cost of opening): the key is built with {@link
   * BlsSecretKey#fromAuthenticatedBytes}, trusting the record's public key because the AES-GCM tag
   * over the secret authenticates it together with that public key (it is in the associated data).
   * A KEK holder could still have sealed a wrong secret under a public key, so the caller must
   * verify the key later ({@code InProcessVault.verifyPublicKey}). The caller owns the result.
   */
  public static BlsSecretKey openAuthenticated(SealedKey record, KekRing keks) throws SealedKeyException {
    KekProvider kek =
        keks.find(record.kekId())
            .orElseThrow(
                () ->
                    new SealedKeyException(
                        SealedKeyException.Kind.UNKNOWN_KEK,
                        record.publicKey(),
                        "record is wrapped by KEK " + record.kekId() + ", which is not available"));
    try (SecretBytes secret = openSecret(record, kek)) {
      return BlsSecretKey.fromAuthenticatedBytes(secret.array(), record.publicKey());
    } catch (IllegalArgumentException e) {
      throw invalidKey(record);
    }
  }

  /**
   * Decrypts a record to its 32 secret bytes without building a key (so without the public-key
   * derivation, which dominates {@link #open}). The GCM tag authenticates the secret together with
   * the public key it was sealed for, but only {@link #open} proves the secret derives that key.
   * The caller owns (and must close) the result.
   */
  public static SecretBytes openSecret(SealedKey record, KekProvider kek) throws SealedKeyException {
    if (record.formatVersion() != SealedKey.CURRENT_FORMAT) {
      throw new SealedKeyException(
          SealedKeyException.Kind.UNSUPPORTED_FORMAT,
          record.publicKey(),
          "sealed key format " + record.formatVersion() + " is not supported");
    }
    if (!kek.id().equals(record.kekId())) {
      throw new SealedKeyException(
          SealedKeyException.Kind.UNKNOWN_KEK,
          record.publicKey(),
          "record is wrapped by KEK " + record.kekId() + ", not " + kek.id());
    }
    KeyBinding binding = record.binding();
    try (SecretBytes dataKey = unwrap(record, kek, binding)) {
      DestroyableAesKey aes = new DestroyableAesKey(dataKey.array());
      try {
        return SecretBytes.takeOwnership(
            AesGcm.decrypt(aes, record.keyNonce(), binding.keyAad(), record.keyCiphertext()));
      } catch (AEADBadTagException e) {
        throw bindingMismatch(record);
      } finally {
        aes.destroy();
      }
    }
  }

  private static SecretBytes unwrap(SealedKey record, KekProvider kek, KeyBinding binding)
      throws SealedKeyException {
    try {
      return kek.unwrap(record.wrappedDek(), binding);
    } catch (KekException e) {
      if (e.kind() == KekException.Kind.UNWRAP_FAILED) {
        throw bindingMismatch(record);
      }
      throw new SealedKeyException(
          SealedKeyException.Kind.KEK_FAILURE,
          record.publicKey(),
          "KEK " + kek.id() + " failed: " + e.getMessage(),
          e);
    }
  }

  private static SealedKeyException bindingMismatch(SealedKey record) {
    return new SealedKeyException(
        SealedKeyException.Kind.BINDING_MISMATCH,
        record.publicKey(),
        "sealed record does not open for this public key and operator " + record.operator()
            + " (moved onto another key or operator, or altered)");
  }

  private static SealedKeyException invalidKey(SealedKey record) {
    return new SealedKeyException(
        SealedKeyException.Kind.INVALID_KEY,
        record.publicKey(),
        "sealed record decrypts to a secret that is not the key of its public key");
  }
}
