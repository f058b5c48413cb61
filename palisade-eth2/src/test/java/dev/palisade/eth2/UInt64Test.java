package dev.palisade.eth2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UInt64Test {
  @ParameterizedTest
  @CsvSource({"0, 0", "1, 1", "007, 7", "9223372036854775807, 9223372036854775807", "9223372036854775808, -9223372036854775808",
      "18446744073709551615, -1", "00018446744073709551615, -1"})
  void parsesTheFullUnsignedRange(String text, long expected) {
    assertEquals(expected, UInt64.parse(text));
    assertEquals(expected, UInt64.fromBigInteger(new BigInteger(text)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1", "-0", "+1", "1.0", "1e3", "0x10", " 1", "1 ", "18446744073709551616", "99999999999999999999999"})
  void rejects(String text) {
    assertThrows(IllegalArgumentException.class, () -> UInt64.parse(text));
  }

  @Test
  void roundTripsAsUnsigned() {
    assertEquals("18446744073709551615", UInt64.toString(-1L));
    assertEquals(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE), UInt64.toBigInteger(-1L));
    assertThrows(IllegalArgumentException.class, () -> UInt64.fromBigInteger(BigInteger.ONE.shiftLeft(64)));
    assertThrows(IllegalArgumentException.class, () -> UInt64.fromBigInteger(BigInteger.valueOf(-1)));
  }
}
