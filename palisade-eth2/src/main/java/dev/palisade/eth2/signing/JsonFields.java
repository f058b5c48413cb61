package dev.palisade.eth2.signing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ForkVersion;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.UInt64;
import dev.palisade.eth2.ssz.Ssz;
import dev.palisade.eth2.ssz.SszException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A JSON object being read, with its path for error messages. Every accessor either returns a
 * checked value or throws {@link InvalidRequestException} naming the field.
 *
 * <p>Keys are snake_case; the camelCase spelling is accepted as a fallback because Web3Signer's
 * own OpenAPI examples for BLOCK and AGGREGATION_SLOT use it. Unknown keys are ignored.
 */
final class JsonFields {
  private static final BigInteger TWO_POW_256 = BigInteger.ONE.shiftLeft(256);

  private final JsonNode node;
  private final String path;

  private JsonFields(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** Wraps an object node; {@code path} names it in messages ("" for the request root). */
  static JsonFields of(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new InvalidRequestException(path, "must be a JSON object");
    }
    return new JsonFields(node, path);
  }

  String path() {
    return path;
  }

  String pathOf(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** The value under {@code name} (or its camelCase spelling); null if absent or JSON null. */
  JsonNode raw(String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      String camel = camelCase(name);
      value = camel.equals(name) ? null : node.get(camel);
    }
    return value == null || value.isNull() ? null : value;
  }

  boolean has(String name) {
    return raw(name) != null;
  }

  private JsonNode required(String name) {
    JsonNode value = raw(name);
    if (value == null) {
      throw new InvalidRequestException(pathOf(name), "is missing");
    }
    return value;
  }

  JsonFields object(String name) {
    return of(required(name), pathOf(name));
  }

  Optional<JsonFields> optionalObject(String name) {
    return has(name) ? Optional.of(object(name)) : Optional.empty();
  }

  String text(String name) {
    JsonNode value = required(name);
    if (!value.isTextual()) {
      throw new InvalidRequestException(pathOf(name), "must be a string");
    }
    return value.textValue();
  }

  long uint64(String name) {
    return uint64(required(name), pathOf(name));
  }

  static long uint64(JsonNode value, String path) {
    try {
      if (value.isTextual()) {
        return UInt64.parse(value.textValue());
      }
      if (value.isIntegralNumber()) {
        return UInt64.fromBigInteger(value.bigIntegerValue());
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(path, "uint64 " + e.getMessage());
    }
    if (value.isNumber()) {
      throw new InvalidRequestException(path, "uint64 must be a whole number, not a fraction or exponent");
    }
    throw new InvalidRequestException(path, "uint64 must be a decimal string or a JSON number");
  }

  BigInteger uint256(String name) {
    JsonNode value = required(name);
    BigInteger result;
    if (value.isIntegralNumber()) {
      result = value.bigIntegerValue();
    } else if (value.isTextual() && value.textValue().matches("[0-9]{1,78}")) {
      result = new BigInteger(value.textValue());
    } else {
      throw new InvalidRequestException(pathOf(name), "uint256 must be a decimal string of digits");
    }
    if (result.signum() < 0 || result.compareTo(TWO_POW_256) >= 0) {
      throw new InvalidRequestException(pathOf(name), "uint256 must be in [0, 2^256)");
    }
    return result;
  }

  Bytes32 bytes32(String name) {
    return Bytes32.wrap(fixedHex(required(name), pathOf(name), Bytes32.SIZE));
  }

  Bytes bytes(String name, int length) {
    return Bytes.wrap(fixedHex(required(name), pathOf(name), length));
  }

  ForkVersion forkVersion(String name) {
    return ForkVersion.wrap(fixedHex(required(name), pathOf(name), ForkVersion.SIZE));
  }

  /** A variable-length byte string of at most {@code maxLength} bytes. */
  Bytes byteList(String name, long maxLength) {
    return byteList(required(name), pathOf(name), maxLength);
  }

  static Bytes byteList(JsonNode value, String path, long maxLength) {
    byte[] bytes = hex(value, path);
    if (bytes.length > maxLength) {
      throw new InvalidRequestException(path, "has " + bytes.length + " bytes, over its limit of " + maxLength);
    }
    return Bytes.wrap(bytes);
  }

  /** A Bitlist in SSZ serialization (with the length delimiter bit), of at most {@code maxBits} bits. */
  Bytes bitlist(String name, long maxBits) {
    Bytes bits = byteList(name, maxBits / 8 + 1);
    try {
      long length = Ssz.bitlistLength(bits, "bitlist");
      if (length > maxBits) {
        throw new InvalidRequestException(pathOf(name), "has " + length + " bits, over its limit of " + maxBits);
      }
    } catch (SszException e) {
      throw new InvalidRequestException(pathOf(name), "must be a bitlist whose last byte holds the length bit");
    }
    return bits;
  }

  List<JsonFields> objects(String name, long maxLength) {
    return list(name, maxLength, (element, elementPath) -> of(element, elementPath));
  }

  List<Long> uint64s(String name, long maxLength) {
    return list(name, maxLength, JsonFields::uint64);
  }

  List<Bytes32> bytes32s(String name, long maxLength) {
    return list(name, maxLength, (element, p) -> Bytes32.wrap(fixedHex(element, p, Bytes32.SIZE)));
  }

  List<Bytes> fixedBytesList(String name, long maxLength, int elementLength) {
    return list(name, maxLength, (element, p) -> Bytes.wrap(fixedHex(element, p, elementLength)));
  }

  List<Bytes> byteLists(String name, long maxLength, long maxElementLength) {
    return list(name, maxLength, (element, p) -> byteList(element, p, maxElementLength));
  }

  <T> List<T> mapObjects(String name, long maxLength, Function<JsonFields, T> parse) {
    List<JsonFields> objects = objects(name, maxLength);
    List<T> result = new ArrayList<>(objects.size());
    for (JsonFields object : objects) {
      result.add(parse.apply(object));
    }
    return result;
  }

  private interface ElementParser<T> {
    T parse(JsonNode element, String elementPath);
  }

  private <T> List<T> list(String name, long maxLength, ElementParser<T> parser) {
    JsonNode value = required(name);
    String listPath = pathOf(name);
    if (!value.isArray()) {
      throw new InvalidRequestException(listPath, "must be a JSON array");
    }
    if (value.size() > maxLength) {
      throw new InvalidRequestException(listPath, "has " + value.size() + " elements, over its limit of " + maxLength);
    }
    List<T> result = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      result.add(parser.parse(value.get(i), listPath + "[" + i + "]"));
    }
    return result;
  }

  private static byte[] fixedHex(JsonNode value, String path, int length) {
    byte[] bytes = hex(value, path);
    if (bytes.length != length) {
      throw new InvalidRequestException(path, "must be " + length + " bytes of hex but has " + bytes.length);
    }
    return bytes;
  }

  private static byte[] hex(JsonNode value, String path) {
    if (!value.isTextual()) {
      throw new InvalidRequestException(path, "must be a 0x-prefixed hex string");
    }
    try {
      return Hex.decode(value.textValue());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(path, "must be a 0x-prefixed hex string (" + e.getMessage() + ")");
    }
  }

  static String camelCase(String snake) {
    StringBuilder out = new StringBuilder(snake.length());
    boolean upper = false;
    for (int i = 0; i < snake.length(); i++) {
      char c = snake.charAt(i);
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }
}
