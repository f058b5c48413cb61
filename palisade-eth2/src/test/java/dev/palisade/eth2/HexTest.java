package dev.palisade.eth2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HexTest {
  @Test
  void asciiEncodingIsTheSameTextAsEncode() {
    Random random = new Random(14);
    for (int length : new int[] {0, 1, 32, 96}) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      if (length > 0) {
        bytes[0] = (byte) 0xf0; // a high nibble with the sign bit
      }
      byte[] out = new byte[3 + 2 + 2 * length];
      int end = Hex.encodeAscii(bytes, out, 3);
      assertEquals(out.length, end);
      assertEquals(Hex.encode(bytes), new String(out, 3, end - 3, StandardCharsets.US_ASCII));
    }
  }
}
