package dev.palisade.vault.keys;

import dev.palisade.crypto.SecretBytes;
import dev.palisade.crypto.Secp256k1SecretKey;
import dev.palisade.vault.kek.KekException;
import dev.palisade.vault.kek.KekProvider;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.seal.AesGcm;
import dev.palisade.vault.seal.DataKey;
import dev.palisade.vault.seal.DestroyableAesKey;
import dev.palisade.vault.seal.EvmKeyBinding;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedEvmKey;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import javax.crypto.AEADBadTagException;

/** {@link KeySealer} for secp256k1 keys: the same envelope, bound to the address instead of a pubkey. */
public final class EvmKeySealer {
  private EvmKeySealer() {}

  public static SealedEvmKey seal(Secp256k1SecretKey key, OperatorId operator, KekProvider kek)
      throws SealedKeyException {
    EvmKeyBinding binding = new EvmKeyBinding(key.address(), operator, SealedKey.CURRENT_FORMAT);
    try (DataKey dataKey = kek.newDataKey(binding);
        SecretBytes secret = key.secretBytes()) {
      DestroyableAesKey aes = new DestroyableAesKey(dataKey.plaintext().array());
      try {
        byte[] nonce = AesGcm.newNonce();
        byte[] ciphertext = AesGcm.encrypt(aes, nonce, binding.keyAad(), secret.array());
        return new SealedEvmKey(key.address(), operator, binding.formatVersion(), dataKey.kekId(),
            dataKey.wrapped(), nonce, ciphertext);
      } finally {
        aes.destroy();
      }
    } catch (KekException e) {
      throw new SealedKeyException(SealedKeyException.Kind.KEK_FAILURE,
          "cannot seal " + key.address() + ": " + e.getMessage(), e);
    }
  }

  /** Opens a record and checks its secret is the key of its address. The caller owns the result. */
  public static Secp256k1SecretKey open(SealedEvmKey record, KekRing keks) throws SealedKeyException {
    KekProvider kek = keks.find(record.kekId()).orElseThrow(() -> new SealedKeyException(
        SealedKeyException.Kind.UNKNOWN_KEK, record.address() + " is wrapped by KEK " + record.kekId()
            + ", which is not available", null));
    if (record.formatVersion() != SealedKey.CURRENT_FORMAT) {
      throw new SealedKeyException(SealedKeyException.Kind.UNSUPPORTED_FORMAT,
          "sealed key format " + record.formatVersion() + " is not supported", null);
    }
    EvmKeyBinding binding = record.binding();
    try (SecretBytes dataKey = kek.unwrap(record.wrappedDek(), binding)) {
      DestroyableAesKey aes = new DestroyableAesKey(dataKey.array());
      try (SecretBytes secret = SecretBytes.takeOwnership(
          AesGcm.decrypt(aes, record.keyNonce(), binding.keyAad(), record.keyCiphertext()))) {
        Secp256k1SecretKey key = Secp256k1SecretKey.fromBytes(secret);
        if (!key.address().equals(record.address())) {
          key.close();
          throw new SealedKeyException(SealedKeyException.Kind.INVALID_KEY,
              "sealed record of " + record.address() + " decrypts to another key", null);
        }
        return key;
      } finally {
        aes.destroy();
      }
    } catch (AEADBadTagException | KekException e) {
      throw new SealedKeyException(SealedKeyException.Kind.BINDING_MISMATCH,
          "sealed record of " + record.address() + " does not open for operator " + record.operator(), e);
    } catch (IllegalArgumentException e) {
      throw new SealedKeyException(SealedKeyException.Kind.INVALID_KEY,
          "sealed record of " + record.address() + " is not a secp256k1 key", null);
    }
  }
}
