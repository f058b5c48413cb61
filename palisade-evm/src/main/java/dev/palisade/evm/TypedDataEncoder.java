package dev.palisade.evm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.signing.InvalidRequestException;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EIP-712 encodeType / encodeData / hashStruct with v4 semantics (arrays, nested structs, bytes,
 * intN/uintN, bytesN). Hand-written: BouncyCastle has no EIP-712. Every error names the JSON path.
 */
final class TypedDataEncoder {
  private static final Pattern ARRAY = Pattern.compile("^(.*)\\[(\\d*)]$");
  private static final Pattern INT = Pattern.compile("^(u?)int(\\d{0,3})$");
  private static final Pattern FIXED_BYTES = Pattern.compile("^bytes(\\d{1,2})$");
  private static final int MAX_DEPTH = 32; // hostile documents must not recurse without end
  private static final List<TypedData.Field> CANONICAL_DOMAIN = List.of(
      new TypedData.Field("name", "string"), new TypedData.Field("version", "string"),
      new TypedData.Field("chainId", "uint256"), new TypedData.Field("verifyingContract", "address"),
      new TypedData.Field("salt", "bytes32"));

  private final Map<String, List<TypedData.Field>> types;
  private final TypedData data;

  TypedDataEncoder(TypedData data) {
    this.data = data;
    Map<String, List<TypedData.Field>> all = new java.util.HashMap<>(data.types());
    // As ethers and eth-sig-util: without an EIP712Domain type, the domain's fields define it.
    all.computeIfAbsent(TypedData.DOMAIN_TYPE, k -> CANONICAL_DOMAIN.stream()
        .filter(f -> data.domain().has(f.name())).toList());
    this.types = all;
  }

  byte[] domainSeparator() {
    return hashStruct(TypedData.DOMAIN_TYPE, data.domain(), "typedData.domain", 0);
  }

  byte[] messageHash() {
    return hashStruct(data.primaryType(), data.message(), "typedData.message", 0);
  }

  private byte[] hashStruct(String type, JsonNode value, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new InvalidRequestException(path, "nests deeper than " + MAX_DEPTH);
    }
    if (value == null || !value.isObject()) {
      throw new InvalidRequestException(path, "must be an object of type " + type);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(Keccak.hash(encodeType(type).getBytes(StandardCharsets.UTF_8)));
    List<TypedData.Field> fields = types.get(type);
    for (TypedData.Field field : fields) {
      JsonNode fieldValue = value.get(field.name());
      String at = path + "." + field.name();
      if (fieldValue == null || fieldValue.isNull()) {
        throw new InvalidRequestException(at, "is missing");
      }
      out.writeBytes(encodeValue(field.type(), fieldValue, at, depth));
    }
    value.fieldNames().forEachRemaining(name -> {
      if (fields.stream().noneMatch(f -> f.name().equals(name))) {
        throw new InvalidRequestException(path + "." + name, "is not a field of " + type);
      }
    });
    return Keccak.hash(out.toByteArray());
  }

  String encodeType(String primary) {
    TreeSet<String> deps = new TreeSet<>();
    collect(primary, deps, primary, 0);
    StringBuilder out = new StringBuilder(describe(primary));
    deps.remove(primary);
    deps.forEach(dep -> out.append(describe(dep)));
    return out.toString();
  }

  private void collect(String type, TreeSet<String> found, String path, int depth) {
    if (depth > MAX_DEPTH || !found.add(type)) {
      return;
    }
    for (TypedData.Field field : types.get(type)) {
      String base = baseType(field.type());
      if (types.containsKey(base)) {
        collect(base, found, path, depth + 1);
      }
    }
  }

  private String describe(String type) {
    List<String> parts = new ArrayList<>();
    for (TypedData.Field field : types.get(type)) {
      parts.add(field.type() + " " + field.name());
    }
    return type + "(" + String.join(",", parts) + ")";
  }

  private static String baseType(String type) {
    int bracket = type.indexOf('[');
    return bracket < 0 ? type : type.substring(0, bracket);
  }

  private byte[] encodeValue(String type, JsonNode value, String path, int depth) {
    Matcher array = ARRAY.matcher(type);
    if (array.matches()) {
      if (!value.isArray()) {
        throw new InvalidRequestException(path, "must be an array of " + array.group(1));
      }
      if (!array.group(2).isEmpty() && value.size() != Integer.parseInt(array.group(2))) {
        throw new InvalidRequestException(path, "must hold exactly " + array.group(2) + " elements");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < value.size(); i++) {
        out.writeBytes(encodeValue(array.group(1), value.get(i), path + "[" + i + "]", depth + 1));
      }
      return Keccak.hash(out.toByteArray());
    }
    if (types.containsKey(type)) {
      return hashStruct(type, value, path, depth + 1);
    }
    return switch (type) {
      case "string" -> {
        if (!value.isTextual()) {
          throw new InvalidRequestException(path, "must be a string");
        }
        yield Keccak.hash(value.asText().getBytes(StandardCharsets.UTF_8));
      }
      case "bytes" -> Keccak.hash(EvmJson.bytes(value, path, -1));
      case "bool" -> {
        if (!value.isBoolean()) {
          throw new InvalidRequestException(path, "must be true or false");
        }
        yield word(value.asBoolean() ? BigInteger.ONE : BigInteger.ZERO);
      }
      case "address" -> word(new BigInteger(1, EvmJson.address(value, path).bytes()));
      default -> atomic(type, value, path);
    };
  }

  private static byte[] atomic(String type, JsonNode value, String path) {
    Matcher fixed = FIXED_BYTES.matcher(type);
    if (fixed.matches()) {
      int length = Integer.parseInt(fixed.group(1));
      if (length < 1 || length > 32) {
        throw new InvalidRequestException(path, "unknown type " + type);
      }
      byte[] bytes = EvmJson.bytes(value, path, length);
      byte[] out = new byte[32];
      System.arraycopy(bytes, 0, out, 0, length); // bytesN is left-aligned
      return out;
    }
    Matcher integer = INT.matcher(type);
    if (!integer.matches()) {
      throw new InvalidRequestException(path, "unknown type " + type);
    }
    int bits = integer.group(2).isEmpty() ? 256 : Integer.parseInt(integer.group(2));
    if (bits < 8 || bits > 256 || bits % 8 != 0) {
      throw new InvalidRequestException(path, "unknown type " + type);
    }
    BigInteger number = integerValue(value, path);
    boolean unsigned = !integer.group(1).isEmpty();
    BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
    BigInteger max = unsigned ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
        : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
    if (number.compareTo(min) < 0 || number.compareTo(max) > 0) {
      throw new InvalidRequestException(path, "is out of range for " + type);
    }
    // Two's complement in 256 bits for negative intN.
    return word(number.signum() < 0 ? number.add(BigInteger.ONE.shiftLeft(256)) : number);
  }

  private static BigInteger integerValue(JsonNode value, String path) {
    if (value.isIntegralNumber()) {
      return value.bigIntegerValue();
    }
    if (value.isTextual()) {
      String text = value.asText();
      boolean negative = text.startsWith("-");
      String digits = negative ? text.substring(1) : text;
      try {
        BigInteger magnitude = digits.startsWith("0x") || digits.startsWith("0X")
            ? new BigInteger(digits.substring(2), 16) : new BigInteger(digits, 10);
        if (magnitude.signum() < 0) {
          throw new NumberFormatException();
        }
        return negative ? magnitude.negate() : magnitude;
      } catch (NumberFormatException e) {
        throw new InvalidRequestException(path, "is not an integer");
      }
    }
    throw new InvalidRequestException(path, "must be an integer (number, decimal or 0x hex string)");
  }

  private static byte[] word(BigInteger value) {
    byte[] out = new byte[32];
    byte[] bytes = Rlp.scalar(value);
    System.arraycopy(bytes, 0, out, 32 - bytes.length, bytes.length);
    return out;
  }
}
