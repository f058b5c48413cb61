package dev.palisade.eth2;

import java.util.HexFormat;

/** 0x-prefixed lower-case hex, the encoding of every byte field in the eth2 APIs. */
public final class Hex {
  private static final HexFormat HEX = HexFormat.of();

  private Hex() {}

  public static String encode(byte[] bytes) {
    return "0x" + HEX.formatHex(bytes);
  }

  private static final byte[] DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * Writes {@link #encode}'s text as ASCII bytes into {@code out} at {@code offset} (2 + 2 × length
   * bytes) and returns the offset after it: the response path builds its body with no String.
   */
  public static int encodeAscii(byte[] bytes, byte[] out, int offset) {
    out[offset++] = '0';
    out[offset++] = 'x';
    for (byte b : bytes) {
      out[offset++] = DIGITS[(b >> 4) & 0xf];
      out[offset++] = DIGITS[b & 0xf];
    }
    return offset;
  }

  /** Decodes hex with or without a 0x prefix, in any case. */
  public static byte[] decode(String hex) {
    if (hex == null) {
      throw new IllegalArgumentException("hex string is missing");
    }
    String digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    if (digits.length() % 2 != 0) {
      throw new IllegalArgumentException("hex string has an odd number of digits");
    }
    try {
      return HEX.parseHex(digits);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a hex string");
    }
  }

  /** Decodes hex that must encode exactly {@code length} bytes. */
  public static byte[] decode(String hex, int length) {
    byte[] bytes = decode(hex);
    if (bytes.length != length) {
      throw new IllegalArgumentException(
          "expected " + length + " bytes of hex but got " + bytes.length);
    }
    return bytes;
  }
}
