package dev.palisade.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The RFC 6238 Appendix B test vectors (SHA-1 rows, secret "12345678901234567890", 8 digits). */
class TotpTest {
  static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest
  @CsvSource({
    "59, 94287082",
    "1111111109, 07081804",
    "1111111111, 14050471",
    "1234567890, 89005924",
    "2000000000, 69279037",
    "20000000000, 65353130"
  })
  void matchesTheRfc6238Vectors(long unixTime, String expected) {
    long step = Totp.step(Instant.ofEpochSecond(unixTime));
    assertEquals(expected, Totp.code(RFC_SECRET, step, 8));
    // six digits are the same value mod 10^6, which is what authenticator apps show
    assertEquals(expected.substring(2), Totp.code(RFC_SECRET, step, 6));
    assertEquals(OptionalLong.of(step), Totp.matchingStep(RFC_SECRET, expected.substring(2), step, 1));
  }

  @Test
  void acceptsOneStepOfSkewEachWayAndNoMore() {
    long step = Totp.step(Instant.ofEpochSecond(1111111109)); // code 081804
    assertEquals(OptionalLong.of(step), Totp.matchingStep(RFC_SECRET, "081804", step + 1, 1));
    assertEquals(OptionalLong.of(step), Totp.matchingStep(RFC_SECRET, "081804", step - 1, 1));
    assertEquals(OptionalLong.empty(), Totp.matchingStep(RFC_SECRET, "081804", step + 2, 1));
    assertEquals(OptionalLong.empty(), Totp.matchingStep(RFC_SECRET, "081805", step, 1));
  }

  @Test
  void malformedCodesNeverMatch() {
    assertFalse(Totp.isWellFormed("12345"));
    assertFalse(Totp.isWellFormed("1234567"));
    assertFalse(Totp.isWellFormed("12 456"));
    assertFalse(Totp.isWellFormed("١٢٣٤٥٦")); // Arabic-Indic digits are not ASCII digits
    assertFalse(Totp.isWellFormed(null));
    assertTrue(Totp.isWellFormed("000000"));
  }

  @Test
  void theUriCarriesTheBase32SecretAndTheParametersAppsNeed() {
    // RFC 4648 section 10: BASE32("foobar") = "MZXW6YTBOI======"
    assertEquals("MZXW6YTBOI", Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("otpauth://totp/Palisade%20default:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        + "&issuer=Palisade%20default&algorithm=SHA1&digits=6&period=30",
        Totp.otpauthUri("Palisade default", "alice", RFC_SECRET));
  }

  @Test
  void theCallersSecretIsLeftIntact() {
    byte[] secret = RFC_SECRET.clone();
    Totp.code(secret, 1, 6);
    assertEquals(new String(RFC_SECRET, StandardCharsets.US_ASCII), new String(secret, StandardCharsets.US_ASCII));
  }
}
