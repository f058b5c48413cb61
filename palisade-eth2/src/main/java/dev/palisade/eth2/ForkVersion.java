package dev.palisade.eth2;

/** A 4-byte fork version such as 0x01000000, kept as its big-endian int value. */
public record ForkVersion(int value) {
  public static final int SIZE = 4;

  /** Parses exactly 4 bytes of hex, with or without 0x. */
  public static ForkVersion fromHex(String hex) {
    return wrap(Hex.decode(hex, SIZE));
  }

  public static ForkVersion wrap(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("a fork version is 4 bytes but got " + bytes.length);
    }
    return new ForkVersion(
        (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff));
  }

  public byte[] toArray() {
    return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
  }

  public String toHex() {
    return Hex.encode(toArray());
  }

  @Override
  public String toString() {
    return toHex();
  }
}
