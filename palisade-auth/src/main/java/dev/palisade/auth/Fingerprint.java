package dev.palisade.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** The SHA-256 of a certificate's DER encoding, as 64 lower-case hex digits. */
public record Fingerprint(String hex) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public Fingerprint {
    if (hex == null || !HEX64.matcher(hex).matches()) {
      throw new IllegalArgumentException("a SHA-256 fingerprint is 64 hex digits");
    }
  }

  /**
   * Parses the forms tools print: plain hex, or colon-separated as {@code openssl x509 -fingerprint
   * -sha256} and {@code keytool} show it; any case; an optional {@code sha256:} prefix.
   */
  public static Fingerprint parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("a SHA-256 fingerprint is 64 hex digits");
    }
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("sha256:")) {
      s = s.substring("sha256:".length());
    } else if (s.startsWith("sha256 fingerprint=")) {
      s = s.substring("sha256 fingerprint=".length());
    }
    return new Fingerprint(s.replace(":", ""));
  }

  public static Fingerprint ofDer(byte[] der) {
    return new Fingerprint(HexFormat.of().formatHex(sha256(der)));
  }

  public static Fingerprint of(X509Certificate certificate) {
    try {
      return ofDer(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return hex;
  }
}
