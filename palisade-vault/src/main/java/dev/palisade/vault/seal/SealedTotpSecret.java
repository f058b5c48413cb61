package dev.palisade.vault.seal;

import java.util.Objects;

/**
 * An approver's TOTP secret at rest, sealed like a key: AES-256-GCM under its own data key, the data
 * key wrapped by the operator's KEK, both bound to (identity, operator, format).
 */
public record SealedTotpSecret(
    String identity, OperatorId operator, int formatVersion, String kekId, byte[] wrappedDek,
    byte[] nonce, byte[] ciphertext) {

  public SealedTotpSecret {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(kekId, "kekId");
    if (nonce.length != AesGcm.NONCE_BYTES) {
      throw new IllegalArgumentException("a sealed TOTP secret has a 12-byte nonce");
    }
    wrappedDek = wrappedDek.clone();
    nonce = nonce.clone();
    ciphertext = ciphertext.clone();
  }

  public TotpSecretBinding binding() {
    return new TotpSecretBinding(identity, operator, formatVersion);
  }

  @Override
  public byte[] wrappedDek() {
    return wrappedDek.clone();
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  @Override
  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  @Override
  public String toString() {
    return "SealedTotpSecret[" + identity + ", operator=" + operator + ", kek=" + kekId + "]";
  }
}
