package dev.palisade.evm;

import dev.palisade.eth2.Hex;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** A 20-byte EVM account address; prints in EIP-55 mixed-case checksum form. */
public record Address(byte[] bytes) {
  public Address {
    if (bytes.length != 20) {
      throw new IllegalArgumentException("an address has 20 bytes, got " + bytes.length);
    }
    bytes = bytes.clone();
  }

  /**
   * Parses 0x-prefixed hex. All-lower or all-upper case is accepted as is; mixed case must carry a valid
   * EIP-55 checksum, because a wrong mixed-case address is almost certainly a typo.
   */
  public static Address parse(String text) {
    if (text == null || !(text.startsWith("0x") || text.startsWith("0X")) || text.length() != 42) {
      throw new IllegalArgumentException("expected a 0x-prefixed 20-byte hex address");
    }
    Address address = new Address(Hex.decode(text));
    String digits = text.substring(2);
    boolean mixed = !digits.equals(digits.toLowerCase()) && !digits.equals(digits.toUpperCase());
    if (mixed && !address.toString().substring(2).equals(digits)) {
      throw new IllegalArgumentException("address has an invalid EIP-55 checksum");
    }
    return address;
  }

  /** The address of an uncompressed public key (64 bytes x||y, or 65 with the 0x04 prefix). */
  public static Address ofPublicKey(byte[] publicKey) {
    byte[] xy = publicKey.length == 65 ? Arrays.copyOfRange(publicKey, 1, 65) : publicKey;
    if (xy.length != 64) {
      throw new IllegalArgumentException("expected an uncompressed secp256k1 public key");
    }
    byte[] hash = Keccak.hash(xy);
    return new Address(Arrays.copyOfRange(hash, 12, 32));
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Lower-case 0x hex, the form used as a database key. */
  public String lowerHex() {
    return Hex.encode(bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Address address && Arrays.equals(bytes, address.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** EIP-55 checksummed form. */
  @Override
  public String toString() {
    String lower = HexFormat.of().formatHex(bytes);
    byte[] hash = Keccak.hash(lower.getBytes(StandardCharsets.US_ASCII));
    StringBuilder out = new StringBuilder("0x");
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
      out.append(c >= 'a' && nibble >= 8 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }
}
