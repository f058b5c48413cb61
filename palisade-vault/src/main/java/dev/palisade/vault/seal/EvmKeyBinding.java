package dev.palisade.vault.seal;

import dev.palisade.evm.Address;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@link KeyBinding} for a secp256k1 key: bound to its address, its operator and format version. */
public record EvmKeyBinding(Address address, OperatorId operator, int formatVersion) implements DataKeyBinding {
  private static final byte[] KEY_DOMAIN = "palisade/sealed-evm-key\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DEK_DOMAIN = "palisade/evm-data-key\0".getBytes(StandardCharsets.US_ASCII);

  public byte[] keyAad() {
    return encode(KEY_DOMAIN);
  }

  @Override
  public byte[] dataKeyAad() {
    return encode(DEK_DOMAIN);
  }

  @Override
  public Map<String, String> encryptionContext() {
    return Map.of("palisade:evm-address", address.lowerHex(), "palisade:operator", operator.value(),
        "palisade:format", Integer.toString(formatVersion));
  }

  /** domain ‖ u16 version ‖ 20-byte address ‖ u8 length ‖ operator (UTF-8). */
  private byte[] encode(byte[] domain) {
    byte[] operatorBytes = operator.value().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(domain);
    out.write(formatVersion >>> 8);
    out.write(formatVersion);
    out.writeBytes(address.bytes());
    out.write(operatorBytes.length);
    out.writeBytes(operatorBytes);
    return out.toByteArray();
  }
}
