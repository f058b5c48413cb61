package dev.palisade.eth2;

import java.util.Arrays;

/** An immutable 32-byte value: a root, a domain, a hash. */
public final class Bytes32 implements Comparable<Bytes32> {
  public static final int SIZE = 32;
  public static final Bytes32 ZERO = new Bytes32(new byte[SIZE]);

  private final byte[] bytes;

  private Bytes32(byte[] bytes) {
    this.bytes = bytes;
  }

  public static Bytes32 wrap(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("expected 32 bytes but got " + bytes.length);
    }
    return new Bytes32(bytes.clone());
  }

  public static Bytes32 fromHex(String hex) {
    return new Bytes32(Hex.decode(hex, SIZE));
  }

  public byte[] toArray() {
    return bytes.clone();
  }

  /** Copies the bytes into {@code dest} at {@code offset} without allocating. */
  public void copyTo(byte[] dest, int offset) {
    System.arraycopy(bytes, 0, dest, offset, SIZE);
  }

  public String toHex() {
    return Hex.encode(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes32 other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(Bytes32 other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
