package dev.palisade.vault.seal;

import dev.palisade.eth2.BlsPublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * A BLS secret key at rest: encrypted with AES-256-GCM under its own data key (DEK), the DEK wrapped
 * by the KEK named {@code kekId}. Nothing here is secret on its own; the arrays are copied in and
 * out so a record cannot be changed after it was built.
 *
 * @param wrappedDek the DEK as the KEK provider wrapped it (format owned by the provider)
 * @param keyNonce the 12-byte AES-GCM nonce of the key encryption
 * @param keyCiphertext the 32-byte key ciphertext followed by the 16-byte tag
 */
public record SealedKey(
    BlsPublicKey publicKey,
    OperatorId operator,
    int formatVersion,
    String kekId,
    byte[] wrappedDek,
    byte[] keyNonce,
    byte[] keyCiphertext) {

  public static final int CURRENT_FORMAT = 1;
  public static final int NONCE_BYTES = 12;
  public static final int CIPHERTEXT_BYTES = 32 + 16;

  public SealedKey {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(operator, "operator");
    if (kekId == null || kekId.isEmpty() || kekId.length() > 256) {
      throw new IllegalArgumentException("a KEK id is 1-256 characters");
    }
    if (wrappedDek == null || wrappedDek.length == 0 || wrappedDek.length > 4096) {
      throw new IllegalArgumentException("a wrapped data key is 1-4096 bytes");
    }
    if (keyNonce == null || keyNonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException("a key nonce is " + NONCE_BYTES + " bytes");
    }
    if (keyCiphertext == null || keyCiphertext.length != CIPHERTEXT_BYTES) {
      throw new IllegalArgumentException("a key ciphertext is " + CIPHERTEXT_BYTES + " bytes");
    }
    wrappedDek = wrappedDek.clone();
    keyNonce = keyNonce.clone();
    keyCiphertext = keyCiphertext.clone();
  }

  public KeyBinding binding() {
    return new KeyBinding(publicKey, operator, formatVersion);
  }

  /** The same record with its DEK wrapped by another KEK; the key ciphertext is untouched. */
  public SealedKey rewrapped(String newKekId, byte[] newWrappedDek) {
    return new SealedKey(
        publicKey, operator, formatVersion, newKekId, newWrappedDek, keyNonce, keyCiphertext);
  }

  @Override
  public byte[] wrappedDek() {
    return wrappedDek.clone();
  }

  @Override
  public byte[] keyNonce() {
    return keyNonce.clone();
  }

  @Override
  public byte[] keyCiphertext() {
    return keyCiphertext.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SealedKey other
        && publicKey.equals(other.publicKey)
        && operator.equals(other.operator)
        && formatVersion == other.formatVersion
        && kekId.equals(other.kekId)
        && Arrays.equals(wrappedDek, other.wrappedDek)
        && Arrays.equals(keyNonce, other.keyNonce)
        && Arrays.equals(keyCiphertext, other.keyCiphertext);
  }

  @Override
  public int hashCode() {
    return Objects.hash(publicKey, operator, kekId, Arrays.hashCode(keyCiphertext));
  }

  @Override
  public String toString() {
    return "SealedKey[" + publicKey + ", operator=" + operator + ", kek=" + kekId
        + ", format=" + formatVersion + "]";
  }
}
