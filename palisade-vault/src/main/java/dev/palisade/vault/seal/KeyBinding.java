package dev.palisade.vault.seal;

import dev.palisade.eth2.BlsPublicKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a sealed record is bound to: its public key, its operator and its format version. Both the
 * key ciphertext and the wrapped data key authenticate these fields (as AES-GCM associated data, or
 * as a KMS encryption context), so a record copied onto another public key or operator no longer
 * opens.
 */
public record KeyBinding(BlsPublicKey publicKey, OperatorId operator, int formatVersion)
    implements DataKeyBinding {
  // Distinct prefixes keep the two uses apart: a wrapped DEK can never pass as a key ciphertext.
  private static final byte[] KEY_DOMAIN = ascii("palisade/sealed-key\0");
  private static final byte[] DEK_DOMAIN = ascii("palisade/data-key\0");

  public KeyBinding {
    if (publicKey == null || operator == null) {
      throw new IllegalArgumentException("a key binding needs a public key and an operator");
    }
    if (formatVersion < 1 || formatVersion > 0xffff) {
      throw new IllegalArgumentException("format version out of range: " + formatVersion);
    }
  }

  /** Associated data of the AES-GCM encryption of the secret key under the DEK. */
  public byte[] keyAad() {
    return encode(KEY_DOMAIN);
  }

  @Override
  public byte[] dataKeyAad() {
    return encode(DEK_DOMAIN);
  }

  @Override
  public Map<String, String> encryptionContext() {
    return Map.of(
        "palisade:pubkey", publicKey.toHex(),
        "palisade:operator", operator.value(),
        "palisade:format", Integer.toString(formatVersion));
  }

  /** domain ‖ u16 version ‖ 48-byte pubkey ‖ u8 length ‖ operator (UTF-8): unambiguous. */
  private byte[] encode(byte[] domain) {
    byte[] operatorBytes = operator.value().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(domain.length + 51 + operatorBytes.length);
    out.writeBytes(domain);
    out.write(formatVersion >>> 8);
    out.write(formatVersion);
    out.writeBytes(publicKey.toArray());
    out.write(operatorBytes.length);
    out.writeBytes(operatorBytes);
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
