package dev.palisade.vault;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.SecretBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Deterministic BLS keys and a scanner that looks for secret bytes in files. */
public final class TestKeys {
  private TestKeys() {}

  /** A valid secret key drawn from {@code random} (top bits cleared so it is below r). */
  public static BlsSecretKey random(Random random) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    secret[0] &= 0x3f;
    secret[31] |= 1; // never zero
    try {
      return BlsSecretKey.fromBytes(secret);
    } finally {
      SecretBytes.wipe(secret);
    }
  }

  public static List<BlsSecretKey> random(long seed, int count) {
    Random random = new Random(seed);
    List<BlsSecretKey> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      keys.add(random(random));
    }
    return keys;
  }

  public static byte[] secretOf(BlsSecretKey key) {
    try (SecretBytes secret = key.exportSecret()) {
      return secret.array().clone();
    }
  }

  /**
   * Files under {@code root} whose bytes contain {@code needle} raw, or as lower/upper-case hex
   * (ASCII or UTF-16), i.e. every way a secret could plausibly be written out.
   */
  public static List<Path> filesContaining(Path root, byte[] needle) throws Exception {
    return filesContainingAny(root, List.of(needle));
  }

  /** As {@link #filesContaining}, for many needles in one pass over each file. */
  public static List<Path> filesContainingAny(Path root, List<byte[]> needles) throws Exception {
    // Index every pattern by its first 8 bytes, then slide over each file once.
    java.util.Map<Long, List<byte[]>> byPrefix = new java.util.HashMap<>();
    for (byte[] needle : needles) {
      String hex = HexFormat.of().formatHex(needle);
      for (byte[] pattern :
          List.of(
              needle,
              hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
              hex.toUpperCase().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
              hex.getBytes(java.nio.charset.StandardCharsets.UTF_16LE))) {
        if (pattern.length < 8) {
          throw new IllegalArgumentException("needles must be at least 8 bytes");
        }
        byPrefix.computeIfAbsent(prefix(pattern, 0), k -> new ArrayList<>()).add(pattern);
      }
    }
    List<Path> hits = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] content;
        try {
          content = Files.readAllBytes(file);
        } catch (java.io.IOException e) {
          continue; // e.g. a socket or a file removed meanwhile
        }
        if (contains(content, byPrefix)) {
          hits.add(file);
        }
      }
    }
    return hits;
  }

  private static boolean contains(byte[] content, java.util.Map<Long, List<byte[]>> byPrefix) {
    for (int i = 0; i + 8 <= content.length; i++) {
      List<byte[]> candidates = byPrefix.get(prefix(content, i));
      if (candidates != null) {
        for (byte[] pattern : candidates) {
          if (i + pattern.length <= content.length
              && java.util.Arrays.equals(content, i, i + pattern.length, pattern, 0, pattern.length)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static long prefix(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[offset + i] & 0xff);
    }
    return value;
  }

  public static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
