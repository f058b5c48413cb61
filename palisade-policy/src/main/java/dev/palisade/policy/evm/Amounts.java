package dev.palisade.policy.evm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.evm.Address;
import dev.palisade.policy.Fields;
import dev.palisade.policy.InvalidPolicyException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Amounts in EVM policies: uint256 wei or token base units, written as a whole number (a YAML integer
 * or a decimal string), or for ether a decimal with a unit ({@code "1.5 ether"}, {@code "30 gwei"}).
 * Never a float: 0.1 in binary is not 0.1, and a limit must mean exactly what it says.
 */
public final class Amounts {
  public static final BigInteger UINT256_MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

  private Amounts() {}

  /** An amount; {@code units} admits ether/gwei/wei suffixes (not for tokens, whose decimals we do not know). */
  public static Optional<BigInteger> parse(JsonNode node, String field, String path, boolean units) {
    JsonNode value = node.get(field);
    String at = path + "." + field;
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    String hint = units ? " (wei as a whole number or a string such as \"1.5 ether\" or \"30 gwei\")"
        : " (token base units as a whole number or a decimal string)";
    BigInteger amount;
    if (value.isIntegralNumber()) {
      amount = value.bigIntegerValue();
    } else if (value.isTextual()) {
      amount = parseText(value.asText().trim(), units, at, hint);
    } else {
      throw new InvalidPolicyException(at, at + " must be an amount" + hint + ", never a float");
    }
    if (amount.signum() < 0 || amount.compareTo(UINT256_MAX) > 0) {
      throw new InvalidPolicyException(at, at + " must be between 0 and 2^256-1");
    }
    return Optional.of(amount);
  }

  private static BigInteger parseText(String text, boolean units, String at, String hint) {
    String[] parts = text.split("\\s+");
    int exponent = 0;
    if (parts.length == 2 && units) {
      exponent = switch (parts[1].toLowerCase(Locale.ROOT)) {
        case "ether", "eth" -> 18;
        case "gwei" -> 9;
        case "wei" -> 0;
        default -> throw new InvalidPolicyException(at, at + ": unknown unit '" + parts[1] + "'; use ether, gwei or wei");
      };
    } else if (parts.length != 1) {
      throw new InvalidPolicyException(at, at + " must be an amount" + hint);
    }
    if (!parts[0].matches("[0-9]{1,90}(\\.[0-9]{1,36})?")) {
      throw new InvalidPolicyException(at, at + " must be an amount" + hint);
    }
    try {
      return new BigDecimal(parts[0]).movePointRight(exponent).toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new InvalidPolicyException(at, at + " is not a whole number of wei");
    }
  }

  /** A required amount. */
  public static BigInteger required(JsonNode node, String field, String path, boolean units) {
    return parse(node, field, path, units)
        .orElseThrow(() -> new InvalidPolicyException(path + "." + field, path + "." + field + " is required"));
  }

  public static List<Address> addresses(JsonNode node, String field, String path) {
    List<Address> out = new ArrayList<>();
    for (String text : Fields.strings(node, field, path)) {
      out.add(address(text, path + "." + field));
    }
    return out;
  }

  public static Address address(String text, String at) {
    try {
      return Address.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidPolicyException(at, at + ": '" + (text.length() > 60 ? text.substring(0, 60) : text)
          + "' is not an address (" + e.getMessage() + ")");
    }
  }

  /** A window length, at most {@link Fields#MAX_WINDOW}. */
  public static Duration window(JsonNode node, String path) {
    Duration window = Fields.duration(node, "window", path)
        .orElseThrow(() -> new InvalidPolicyException(path + ".window", path + ".window is required (e.g. PT24H)"));
    if (window.compareTo(Fields.MAX_WINDOW) > 0) {
      throw new InvalidPolicyException(path + ".window", path + ".window is at most " + Fields.MAX_WINDOW.toDays() + " days");
    }
    return window;
  }

  /**
   * A uint256 window limit held in a 64-bit shared counter. Counted in units of 10^k, the smallest power
   * of ten in which the limit fits in 62 bits (k = 0, exact, for any limit below ~4.6e18): each amount is
   * rounded up and the limit down, so the counted sum never under-counts what was signed, and with
   * total ≤ max < 2^62 and amount ≤ max the database's addition cannot overflow.
   */
  public record Scaled(int exponent, BigInteger unit, long max) {
    private static final BigInteger CAP = BigInteger.ONE.shiftLeft(62);

    public static Scaled of(BigInteger limit) {
      int exponent = 0;
      BigInteger unit = BigInteger.ONE;
      while (limit.divide(unit).compareTo(CAP) >= 0) {
        exponent++;
        unit = unit.multiply(BigInteger.TEN);
      }
      return new Scaled(exponent, unit, limit.divide(unit).longValueExact());
    }

    /** The amount in counted units, rounded up; empty when it is above the limit on its own (never a wrap). */
    public OptionalLong count(BigInteger amount) {
      BigInteger[] qr = amount.divideAndRemainder(unit);
      BigInteger units = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
      return units.compareTo(BigInteger.valueOf(max)) > 0 ? OptionalLong.empty() : OptionalLong.of(units.longValueExact());
    }

    /** Part of the counter's name: a limit set in another unit counts in another row, never mixed. */
    public String suffix() {
      return "e" + exponent;
    }

    public String describe(BigInteger limit) {
      return limit + (exponent == 0 ? "" : " (counted in units of 1e" + exponent + ", rounded up)");
    }
  }
}
