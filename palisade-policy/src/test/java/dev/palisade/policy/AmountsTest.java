package dev.palisade.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.policy.evm.Amounts;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Policy amounts: exact units, and 64-bit window counting that never under-counts and never overflows. */
class AmountsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "\"1.5 ether\"|1500000000000000000",
      "\"30 gwei\"|30000000000",
      "\"7 wei\"|7",
      "\"0.000000000000000001 ether\"|1",
      "\"115792089237316195423570985008687907853269984665640564039457584007913129639935\"|115792089237316195423570985008687907853269984665640564039457584007913129639935",
      "12345678901234567890123|12345678901234567890123"})
  void parsesExactly(String json, String wei) throws Exception {
    assertEquals(new BigInteger(wei), Amounts.parse(JSON.readTree("{\"a\":" + json + "}"), "a", "p", true).orElseThrow());
  }

  /**
   * Seeded: for random limits (small and up to 2^256-1) and random amounts, the counted units of the
   * amounts that fit never stand for less than the wei signed, and the counter's max never for more than
   * the limit: so summing units within max keeps the signed sum within the limit.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 2026})
  void scaledCountingIsConservative(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 2000; i++) {
      BigInteger limit = new BigInteger(1 + random.nextInt(256), random).add(BigInteger.ONE);
      Amounts.Scaled scaled = Amounts.Scaled.of(limit);
      assertTrue(scaled.max() < (1L << 62), "max fits in 62 bits");
      assertTrue(BigInteger.valueOf(scaled.max()).multiply(scaled.unit()).compareTo(limit) <= 0, "max never above the limit");
      if (limit.bitLength() <= 62) {
        assertEquals(BigInteger.ONE, scaled.unit(), "exact below 2^62");
      }
      BigInteger amount = new BigInteger(limit.bitLength() + 1, random);
      var units = scaled.count(amount);
      if (units.isPresent()) {
        assertTrue(BigInteger.valueOf(units.getAsLong()).multiply(scaled.unit()).compareTo(amount) >= 0, "never under-counts");
        assertTrue(units.getAsLong() <= scaled.max());
      } else {
        assertTrue(amount.compareTo(BigInteger.valueOf(scaled.max()).multiply(scaled.unit())) > 0, "refused only above max");
      }
    }
  }
}
