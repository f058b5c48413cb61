package dev.palisade.bench;

import dev.palisade.crypto.BlsSecretKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Deterministic throw-away validator keys: SHA-256 of a counter with the top byte cleared, so the
 * scalar is always below the curve order r (r starts with 0x73).
 */
final class BenchKeys {
  private BenchKeys() {}

  static byte[] secret(int index) {
    try {
      byte[] s =
          MessageDigest.getInstance("SHA-256")
              .digest(("palisade-bench-validator-" + index).getBytes(StandardCharsets.US_ASCII));
      s[0] = 0;
      s[31] |= 1; // never zero
      return s;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Fresh key objects (the node's vault takes ownership of the ones it is given). */
  static List<BlsSecretKey> keys(int count) {
    return IntStream.range(0, count).parallel().mapToObj(i -> BlsSecretKey.fromBytes(secret(i))).toList();
  }
}
