package dev.palisade.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Generates and hashes token/basic secrets.
 *
 * <p>A secret is 256 bits from {@link SecureRandom}, base64url-encoded (URL-safe, so it can sit in
 * {@code https://name:secret@host} unescaped) behind a {@code pal_} prefix that secret scanners can
 * match. Only SHA-256 of the whole string is stored. A plain fast hash is enough here: slow password
 * hashes (bcrypt, Argon2) exist to make guessing low-entropy human passwords expensive, but a
 * 256-bit random secret cannot be guessed at any speed, and a fast hash keeps per-request
 * authentication in microseconds. Users never choose these secrets.
 */
final class Secrets {
  static final String PREFIX = "pal_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  static Secret generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return new Secret(PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  static byte[] hash(String secret) {
    return Fingerprint.sha256(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** Constant-time comparison, so response timing says nothing about how much of a hash matched. */
  static boolean matches(byte[] presentedHash, byte[] storedHash) {
    return MessageDigest.isEqual(presentedHash, storedHash);
  }
}
