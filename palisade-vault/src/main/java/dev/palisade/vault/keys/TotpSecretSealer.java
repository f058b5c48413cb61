package dev.palisade.vault.keys;

import dev.palisade.crypto.SecretBytes;
import dev.palisade.vault.kek.KekException;
import dev.palisade.vault.kek.KekProvider;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.seal.AesGcm;
import dev.palisade.vault.seal.DataKey;
import dev.palisade.vault.seal.DestroyableAesKey;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import dev.palisade.vault.seal.SealedTotpSecret;
import dev.palisade.vault.seal.TotpSecretBinding;
import javax.crypto.AEADBadTagException;

/** {@link KeySealer}'s envelope for an approver's TOTP secret, bound to the identity instead of a key. */
public final class TotpSecretSealer {
  private TotpSecretSealer() {}

  public static SealedTotpSecret seal(SecretBytes secret, String identity, OperatorId operator, KekProvider kek)
      throws SealedKeyException {
    TotpSecretBinding binding = new TotpSecretBinding(identity, operator, SealedKey.CURRENT_FORMAT);
    try (DataKey dataKey = kek.newDataKey(binding)) {
      DestroyableAesKey aes = new DestroyableAesKey(dataKey.plaintext().array());
      try {
        byte[] nonce = AesGcm.newNonce();
        byte[] ciphertext = AesGcm.encrypt(aes, nonce, binding.secretAad(), secret.array());
        return new SealedTotpSecret(identity, operator, binding.formatVersion(), dataKey.kekId(), dataKey.wrapped(),
            nonce, ciphertext);
      } finally {
        aes.destroy();
      }
    } catch (KekException e) {
      throw new SealedKeyException(SealedKeyException.Kind.KEK_FAILURE,
          "cannot seal the TOTP secret of " + identity + ": " + e.getMessage(), e);
    }
  }

  /** Opens a record; the caller owns (and must close) the secret. */
  public static SecretBytes open(SealedTotpSecret record, KekRing keks) throws SealedKeyException {
    KekProvider kek = keks.find(record.kekId()).orElseThrow(() -> new SealedKeyException(
        SealedKeyException.Kind.UNKNOWN_KEK, "the TOTP secret of " + record.identity() + " is wrapped by KEK "
            + record.kekId() + ", which is not available", null));
    if (record.formatVersion() != SealedKey.CURRENT_FORMAT) {
      throw new SealedKeyException(SealedKeyException.Kind.UNSUPPORTED_FORMAT,
          "sealed TOTP secret format " + record.formatVersion() + " is not supported", null);
    }
    TotpSecretBinding binding = record.binding();
    try (SecretBytes dataKey = kek.unwrap(record.wrappedDek(), binding)) {
      DestroyableAesKey aes = new DestroyableAesKey(dataKey.array());
      try {
        return SecretBytes.takeOwnership(AesGcm.decrypt(aes, record.nonce(), binding.secretAad(), record.ciphertext()));
      } finally {
        aes.destroy();
      }
    } catch (AEADBadTagException | KekException e) {
      throw new SealedKeyException(SealedKeyException.Kind.BINDING_MISMATCH,
          "the sealed TOTP secret of " + record.identity() + " does not open for operator " + record.operator(), e);
    }
  }
}
