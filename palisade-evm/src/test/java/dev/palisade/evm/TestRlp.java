package dev.palisade.evm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test-only RLP decoder: recovers fields the vectors' ethers JSON omits (blob hashes, authorizations). */
final class TestRlp {
  private final byte[] in;
  private int pos;

  private TestRlp(byte[] in, int pos) {
    this.in = in;
    this.pos = pos;
  }

  /** Decodes the list of a typed transaction (skipping the type byte). */
  static List<Object> decodeTyped(byte[] encoded) {
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) new TestRlp(encoded, 1).item();
    return list;
  }

  private Object item() {
    int prefix = in[pos++] & 0xff;
    if (prefix < 0x80) {
      return new byte[] {(byte) prefix};
    }
    if (prefix < 0xc0) {
      int length = prefix <= 0xb7 ? prefix - 0x80 : length(prefix - 0xb7);
      byte[] out = Arrays.copyOfRange(in, pos, pos + length);
      pos += length;
      return out;
    }
    int length = prefix <= 0xf7 ? prefix - 0xc0 : length(prefix - 0xf7);
    int end = pos + length;
    List<Object> list = new ArrayList<>();
    while (pos < end) {
      list.add(item());
    }
    return list;
  }

  private int length(int bytes) {
    int length = 0;
    for (int i = 0; i < bytes; i++) {
      length = (length << 8) | (in[pos++] & 0xff);
    }
    return length;
  }
}
