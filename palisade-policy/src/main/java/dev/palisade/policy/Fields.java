package dev.palisade.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reading policy sections with errors that name the field's path; unknown fields are errors (a typo must not weaken a policy). */
public final class Fields {
  /** The longest time window a rule may count over; shared counters older than this are pruned. */
  public static final Duration MAX_WINDOW = Duration.ofDays(31);

  private Fields() {}

  public static void requireObject(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new InvalidPolicyException(path, path + " must be a mapping");
    }
  }

  public static void onlyKnown(JsonNode node, String path, Set<String> known) {
    requireObject(node, path);
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new InvalidPolicyException(path + "." + name, "unknown field " + path + "." + Names.printable(name)
            + "; known fields are: " + String.join(", ", new java.util.TreeSet<>(known)));
      }
    }
  }

  /** An unsigned 64-bit integer, as a number or a decimal string (as in the Ethereum APIs). */
  public static Optional<Long> unsigned(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    String text = value.isIntegralNumber() ? value.bigIntegerValue().toString() : value.isTextual() ? value.asText() : null;
    try {
      if (text == null) {
        throw new NumberFormatException();
      }
      return Optional.of(Long.parseUnsignedLong(text.trim()));
    } catch (NumberFormatException e) {
      throw new InvalidPolicyException(path + "." + field, path + "." + field + " must be an unsigned 64-bit integer");
    }
  }

  public static Optional<String> text(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new InvalidPolicyException(path + "." + field, path + "." + field + " must be a string");
    }
    return Optional.of(value.asText());
  }

  public static List<String> strings(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    List<String> values = new ArrayList<>();
    if (value == null || value.isNull()) {
      return values;
    }
    if (!value.isArray()) {
      throw new InvalidPolicyException(path + "." + field, path + "." + field + " must be a list of strings");
    }
    for (JsonNode element : value) {
      if (!element.isTextual()) {
        throw new InvalidPolicyException(path + "." + field, path + "." + field + " must be a list of strings");
      }
      values.add(element.asText());
    }
    return values;
  }

  /** An ISO-8601 duration such as {@code PT24H}. */
  public static Optional<Duration> duration(JsonNode node, String field, String path) {
    return text(node, field, path).map(text -> {
      try {
        Duration duration = Duration.parse(text);
        if (duration.isNegative() || duration.isZero()) {
          throw new InvalidPolicyException(path + "." + field, path + "." + field + " must be positive");
        }
        return duration;
      } catch (DateTimeParseException e) {
        throw new InvalidPolicyException(path + "." + field, path + "." + field + " must be an ISO-8601 duration such as PT24H");
      }
    });
  }

  /** An ISO-8601 instant such as {@code 2027-01-01T00:00:00Z}. */
  public static Optional<Instant> instant(JsonNode node, String field, String path) {
    return text(node, field, path).map(text -> {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new InvalidPolicyException(path + "." + field, path + "." + field + " must be an ISO-8601 time such as 2027-01-01T00:00:00Z");
      }
    });
  }

  public static byte[] hex(String text, String path) {
    String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
    try {
      return java.util.HexFormat.of().parseHex(digits);
    } catch (IllegalArgumentException e) {
      throw new InvalidPolicyException(path, path + ": '" + Names.printable(text) + "' is not hex");
    }
  }
}
