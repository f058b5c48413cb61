package dev.palisade.eth2;

import java.math.BigInteger;

/**
 * uint64 values are Java {@code long}s read as UNSIGNED over the whole range: slot 2^64-1 is
 * {@code -1L}. Compare with {@link Long#compareUnsigned}, divide with {@link Long#divideUnsigned}.
 */
public final class UInt64 {
  /** FAR_FUTURE_EPOCH = 2^64-1: the epoch of a fork that is not scheduled. */
  public static final long FAR_FUTURE = -1L;

  private static final BigInteger TWO_POW_64 = BigInteger.ONE.shiftLeft(64);

  private UInt64() {}

  /**
   * Parses a decimal uint64: digits only (no sign, no spaces, no fraction), value below 2^64.
   *
   * @throws IllegalArgumentException naming what is wrong, without echoing long input
   */
  public static long parse(String decimal) {
    if (decimal == null || decimal.isEmpty()) {
      throw new IllegalArgumentException("must be an unsigned 64-bit decimal integer but was empty");
    }
    if (decimal.charAt(0) == '-') {
      throw new IllegalArgumentException("must not be negative");
    }
    for (int i = 0; i < decimal.length(); i++) {
      char c = decimal.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException(
            "must be an unsigned 64-bit decimal integer (digits only)");
      }
    }
    String digits = stripLeadingZeros(decimal);
    if (digits.length() > 20 || (digits.length() == 20 && digits.compareTo("18446744073709551615") > 0)) {
      throw new IllegalArgumentException("must be less than 2^64");
    }
    return Long.parseUnsignedLong(digits);
  }

  /** Converts an exact integer to uint64, rejecting negatives and values of 2^64 or more. */
  public static long fromBigInteger(BigInteger value) {
    if (value.signum() < 0) {
      throw new IllegalArgumentException("must not be negative");
    }
    if (value.compareTo(TWO_POW_64) >= 0) {
      throw new IllegalArgumentException("must be less than 2^64");
    }
    return value.longValue();
  }

  public static String toString(long value) {
    return Long.toUnsignedString(value);
  }

  public static BigInteger toBigInteger(long value) {
    BigInteger b = BigInteger.valueOf(value & Long.MAX_VALUE);
    return value < 0 ? b.setBit(63) : b;
  }

  private static String stripLeadingZeros(String digits) {
    int i = 0;
    while (i < digits.length() - 1 && digits.charAt(i) == '0') {
      i++;
    }
    return digits.substring(i);
  }
}
