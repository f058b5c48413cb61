package dev.palisade.eth2;

import java.util.Arrays;

/** An immutable byte string of any length: signatures, addresses, bitfields, byte lists. */
public final class Bytes {
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private final byte[] bytes;

  private Bytes(byte[] bytes) {
    this.bytes = bytes;
  }

  public static Bytes wrap(byte[] bytes) {
    return new Bytes(bytes.clone());
  }

  /** Parses hex with or without 0x, in any case. */
  public static Bytes fromHex(String hex) {
    return new Bytes(Hex.decode(hex));
  }

  /** Parses hex that must encode exactly {@code length} bytes. */
  public static Bytes fromHex(String hex, int length) {
    return new Bytes(Hex.decode(hex, length));
  }

  /** A run of {@code length} copies of {@code value}; handy for tests and defaults. */
  public static Bytes repeat(int value, int length) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) value);
    return new Bytes(b);
  }

  public int length() {
    return bytes.length;
  }

  public byte get(int index) {
    return bytes[index];
  }

  public byte[] toArray() {
    return bytes.clone();
  }

  /** Copies the bytes into {@code dest} at {@code offset} without allocating. */
  public void copyTo(byte[] dest, int offset) {
    System.arraycopy(bytes, 0, dest, offset, bytes.length);
  }

  public String toHex() {
    return Hex.encode(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
