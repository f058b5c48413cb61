package dev.palisade.slashing;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

final class TestData {
  static final Bytes32 GVR = Bytes32.fromHex("0x" + "04".repeat(32));
  static final Bytes32 OTHER_GVR = Bytes32.fromHex("0x" + "05".repeat(32));
  static final long TWO_TO_63 = Long.MIN_VALUE; // 2^63 as an unsigned long
  static final long MAX_UINT64 = -1L;

  private TestData() {}

  static BlsPublicKey key(long n) {
    byte[] b = new byte[48];
    b[0] = (byte) 0xa0;
    ByteBuffer.wrap(b, 40, 8).putLong(n);
    return BlsPublicKey.wrap(b);
  }

  static Bytes32 root(long n) {
    byte[] b = new byte[32];
    ByteBuffer.wrap(b, 24, 8).putLong(n + 1);
    return Bytes32.wrap(b);
  }

  static InputStream json(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  static String export(SlashingProtection p, BlsPublicKey... keys) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.exportInterchange(out, List.of(keys));
    return out.toString(StandardCharsets.UTF_8);
  }
}
