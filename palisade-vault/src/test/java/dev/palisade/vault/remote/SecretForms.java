package dev.palisade.vault.remote;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Every form a 32-byte secret can take in memory or on the wire, and a streaming scanner. */
final class SecretForms {
  private SecretForms() {}

  /**
   * Big-endian, little-endian, blst's scalar as a Java long[] written by HPROF (big-endian longs
   * of the little-endian limbs: the 8-byte words of the big-endian form in reverse order), and hex.
   */
  static List<byte[]> of(byte[] secret) {
    byte[] le = new byte[32];
    byte[] limbs = new byte[32];
    for (int i = 0; i < 32; i++) {
      le[i] = secret[31 - i];
    }
    for (int w = 0; w < 4; w++) {
      System.arraycopy(secret, 24 - 8 * w, limbs, 8 * w, 8);
    }
    String hex = HexFormat.of().formatHex(secret);
    return List.of(secret.clone(), le, limbs, hex.getBytes(StandardCharsets.US_ASCII),
        hex.toUpperCase().getBytes(StandardCharsets.US_ASCII));
  }

  static boolean contains(byte[] haystack, List<byte[]> needles) {
    for (byte[] needle : needles) {
      if (indexOf(haystack, haystack.length, needle) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Which needles (by index) occur in the file, streaming it in 4 MiB chunks. */
  static List<Integer> foundIn(Path file, List<byte[]> needles) throws IOException {
    int overlap = needles.stream().mapToInt(n -> n.length).max().orElse(0) - 1;
    boolean[] found = new boolean[needles.size()];
    byte[] buffer = new byte[4 * 1024 * 1024 + overlap];
    int kept = 0;
    try (InputStream in = Files.newInputStream(file)) {
      while (true) {
        int n = in.readNBytes(buffer, kept, buffer.length - kept);
        if (n <= 0) {
          break;
        }
        int length = kept + n;
        for (int i = 0; i < needles.size(); i++) {
          if (!found[i] && indexOf(buffer, length, needles.get(i)) >= 0) {
            found[i] = true;
          }
        }
        kept = Math.min(overlap, length);
        System.arraycopy(buffer, length - kept, buffer, 0, kept);
      }
    }
    Arrays.fill(buffer, (byte) 0);
    List<Integer> hits = new ArrayList<>();
    for (int i = 0; i < found.length; i++) {
      if (found[i]) {
        hits.add(i);
      }
    }
    return hits;
  }

  private static int indexOf(byte[] haystack, int length, byte[] needle) {
    byte first = needle[0];
    outer:
    for (int i = 0; i <= length - needle.length; i++) {
      if (haystack[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static void wipe(List<byte[]> forms) {
    forms.forEach(f -> Arrays.fill(f, (byte) 0));
  }
}
