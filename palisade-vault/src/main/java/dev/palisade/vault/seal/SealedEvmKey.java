package dev.palisade.vault.seal;

import dev.palisade.evm.Address;
import java.util.Objects;

/**
 * A secp256k1 secret key at rest, sealed exactly like a BLS {@link SealedKey}: AES-256-GCM under its
 * own data key, the data key wrapped by the operator's KEK, both bound to (address, operator, format).
 */
public record SealedEvmKey(
    Address address, OperatorId operator, int formatVersion, String kekId, byte[] wrappedDek,
    byte[] keyNonce, byte[] keyCiphertext) {

  public SealedEvmKey {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(operator, "operator");
    if (keyNonce.length != SealedKey.NONCE_BYTES || keyCiphertext.length != SealedKey.CIPHERTEXT_BYTES) {
      throw new IllegalArgumentException("a sealed key has a 12-byte nonce and a 48-byte ciphertext");
    }
    wrappedDek = wrappedDek.clone();
    keyNonce = keyNonce.clone();
    keyCiphertext = keyCiphertext.clone();
  }

  public EvmKeyBinding binding() {
    return new EvmKeyBinding(address, operator, formatVersion);
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
  public String toString() {
    return "SealedEvmKey[" + address + ", operator=" + operator + ", kek=" + kekId + "]";
  }
}
