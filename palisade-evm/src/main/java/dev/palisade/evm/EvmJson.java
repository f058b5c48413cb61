package dev.palisade.evm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.signing.InvalidRequestException;
import java.math.BigInteger;

/**
 * Reads EVM JSON fields, turning every malformed value into an {@link InvalidRequestException} naming
 * the field. The one place that decides what a quantity, byte string or address may look like.
 */
public final class EvmJson {
  private static final int MAX_QUANTITY_BITS = 256;

  private EvmJson() {}

  public static boolean present(JsonNode parent, String name) {
    JsonNode node = parent.get(name);
    return node != null && !node.isNull();
  }

  /**
   * A non-negative integer up to 2^256-1: a JSON-RPC quantity ("0x1a"), a decimal string ("26") or a
   * JSON integer. The 0x prefix decides the base, so "10" is never read as hex.
   */
  public static BigInteger quantity(JsonNode parent, String name, String path) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      throw new InvalidRequestException(path, "is required");
    }
    BigInteger value;
    if (node.isIntegralNumber()) {
      value = node.bigIntegerValue();
    } else if (node.isTextual()) {
      String text = node.asText();
      try {
        if (text.startsWith("0x") || text.startsWith("0X")) {
          value = new BigInteger(text.substring(2), 16);
        } else if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
          value = new BigInteger(text);
        } else {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new InvalidRequestException(path, "is not a hex or decimal quantity");
      }
    } else {
      throw new InvalidRequestException(path, "must be a quantity (hex string, decimal string or integer)");
    }
    if (value.signum() < 0 || value.bitLength() > MAX_QUANTITY_BITS) {
      throw new InvalidRequestException(path, "is out of range 0..2^256-1");
    }
    return value;
  }

  public static BigInteger optionalQuantity(JsonNode parent, String name, String path) {
    return present(parent, name) ? quantity(parent, name, path) : null;
  }

  /** 0x-prefixed hex bytes; {@code expectedLength} < 0 means any length. */
  public static byte[] bytes(JsonNode parent, String name, String path, int expectedLength) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      throw new InvalidRequestException(path, "is required");
    }
    return bytes(node, path, expectedLength);
  }

  public static byte[] bytes(JsonNode node, String path, int expectedLength) {
    if (!node.isTextual() || !(node.asText().startsWith("0x") || node.asText().startsWith("0X"))) {
      throw new InvalidRequestException(path, "must be a 0x-prefixed hex string");
    }
    byte[] bytes;
    try {
      bytes = Hex.decode(node.asText());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(path, e.getMessage());
    }
    if (expectedLength >= 0 && bytes.length != expectedLength) {
      throw new InvalidRequestException(path, "must be " + expectedLength + " bytes, got " + bytes.length);
    }
    return bytes;
  }

  public static Address address(JsonNode parent, String name, String path) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      throw new InvalidRequestException(path, "is required");
    }
    return address(node, path);
  }

  public static Address address(JsonNode node, String path) {
    if (!node.isTextual()) {
      throw new InvalidRequestException(path, "must be a 0x-prefixed 20-byte hex address");
    }
    try {
      return Address.parse(node.asText());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(path, e.getMessage());
    }
  }

  public static String text(JsonNode parent, String name, String path) {
    JsonNode node = parent.get(name);
    if (node == null || !node.isTextual()) {
      throw new InvalidRequestException(path, "must be a string");
    }
    return node.asText();
  }
}
