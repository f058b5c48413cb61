package dev.palisade.crypto;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.OptionalLong;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.encoders.Base32;

/**
 * RFC 6238 TOTP as authenticator apps use it: HMAC-SHA-1 (BouncyCastle's), 30-second steps, 6 digits.
 * BouncyCastle rather than {@code dev.samstevens.totp}: that library takes the secret as a Base32
 * {@link String} that cannot be wiped, and its POM (so its dependencies) is not resolvable offline.
 * Here the secret stays in a byte array the caller owns, and the HMAC's key-derived state is
 * overwritten after each use.
 */
public final class Totp {
  public static final int DIGITS = 6;
  public static final long PERIOD_SECONDS = 30;
  /** 160 bits, RFC 4226's recommended length for HMAC-SHA-1. */
  public static final int SECRET_BYTES = 20;
  private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

  private Totp() {}

  /** The time step of {@code time} (T in RFC 6238, with T0 = 0). */
  public static long step(Instant time) {
    return Math.floorDiv(time.getEpochSecond(), PERIOD_SECONDS);
  }

  /** The {@code digits}-digit code (6 to 8) of {@code step}, zero-padded (RFC 4226 dynamic truncation). */
  public static String code(byte[] secret, long step, int digits) {
    if (digits < 6 || digits > 8) {
      throw new IllegalArgumentException("a TOTP code has 6 to 8 digits");
    }
    HMac hmac = new HMac(new SHA1Digest());
    KeyParameter key = new KeyParameter(secret);
    byte[] mac = new byte[hmac.getMacSize()];
    try {
      hmac.init(key);
      for (int shift = 56; shift >= 0; shift -= 8) {
        hmac.update((byte) (step >>> shift));
      }
      hmac.doFinal(mac, 0);
      int offset = mac[mac.length - 1] & 0x0f;
      int binary = ((mac[offset] & 0x7f) << 24) | ((mac[offset + 1] & 0xff) << 16)
          | ((mac[offset + 2] & 0xff) << 8) | (mac[offset + 3] & 0xff);
      String digitsOnly = Integer.toString(binary % POWERS[digits]);
      return "0".repeat(digits - digitsOnly.length()) + digitsOnly;
    } finally {
      // KeyParameter copies the key; HMac keeps pads derived from it: wipe both
      SecretBytes.wipe(key.getKey(), mac);
      hmac.init(new KeyParameter(new byte[SECRET_BYTES]));
    }
  }

  /**
   * The step, among {@code step - skew .. step + skew}, whose 6-digit code is {@code code}; every
   * candidate is computed and compared in constant time, so timing says nothing about which matched.
   */
  public static OptionalLong matchingStep(byte[] secret, String code, long step, int skew) {
    if (!isWellFormed(code)) {
      return OptionalLong.empty();
    }
    byte[] presented = code.getBytes(StandardCharsets.US_ASCII);
    long matched = Long.MIN_VALUE;
    for (long candidate = step - skew; candidate <= step + skew; candidate++) {
      byte[] expected = code(secret, candidate, DIGITS).getBytes(StandardCharsets.US_ASCII);
      if (MessageDigest.isEqual(expected, presented) && matched == Long.MIN_VALUE) {
        matched = candidate;
      }
    }
    return matched == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(matched);
  }

  /** Exactly six ASCII digits. */
  public static boolean isWellFormed(String code) {
    return code != null && code.length() == DIGITS && code.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /** RFC 4648 Base32 without padding, as authenticator apps expect it in a URI or typed by hand. */
  public static String base32(byte[] secret) {
    return Base32.toBase32String(secret).replace("=", "");
  }

  /** The Key Uri Format authenticator apps scan: {@code otpauth://totp/Issuer:account?secret=…}. */
  public static String otpauthUri(String issuer, String account, byte[] secret) {
    String label = encode(issuer) + ":" + encode(account);
    return "otpauth://totp/" + label + "?secret=" + base32(secret) + "&issuer=" + encode(issuer)
        + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + PERIOD_SECONDS;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
