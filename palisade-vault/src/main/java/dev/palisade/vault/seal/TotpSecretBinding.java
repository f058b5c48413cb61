package dev.palisade.vault.seal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@link DataKeyBinding} for an approver's TOTP secret: bound to the identity, its operator and the
 * format, under domains of its own so a sealed TOTP secret never opens as a key (or the reverse).
 */
public record TotpSecretBinding(String identity, OperatorId operator, int formatVersion) implements DataKeyBinding {
  private static final byte[] SECRET_DOMAIN = "palisade/sealed-totp-secret\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DEK_DOMAIN = "palisade/totp-data-key\0".getBytes(StandardCharsets.US_ASCII);

  public TotpSecretBinding {
    if (identity == null || identity.isEmpty() || identity.getBytes(StandardCharsets.UTF_8).length > 255) {
      throw new IllegalArgumentException("a TOTP secret is bound to an identity name of 1-255 bytes");
    }
  }

  public byte[] secretAad() {
    return encode(SECRET_DOMAIN);
  }

  @Override
  public byte[] dataKeyAad() {
    return encode(DEK_DOMAIN);
  }

  @Override
  public Map<String, String> encryptionContext() {
    return Map.of("palisade:totp-identity", identity, "palisade:operator", operator.value(),
        "palisade:format", Integer.toString(formatVersion));
  }

  /** domain ‖ u16 version ‖ u8 length ‖ identity (UTF-8) ‖ u8 length ‖ operator (UTF-8). */
  private byte[] encode(byte[] domain) {
    byte[] identityBytes = identity.getBytes(StandardCharsets.UTF_8);
    byte[] operatorBytes = operator.value().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(domain);
    out.write(formatVersion >>> 8);
    out.write(formatVersion);
    out.write(identityBytes.length);
    out.writeBytes(identityBytes);
    out.write(operatorBytes.length);
    out.writeBytes(operatorBytes);
    return out.toByteArray();
  }
}
