package dev.palisade.eth2;

import java.util.Arrays;

/**
 * The 48-byte compressed BLS12-381 public key that identifies a validator. Only the bytes: whether
 * they are a valid curve point is checked by the crypto module when a key is loaded.
 */
public final class BlsPublicKey implements Comparable<BlsPublicKey> {
  public static final int SIZE = 48;

  private final byte[] bytes;
  private final int hash;

  private BlsPublicKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  public static BlsPublicKey wrap(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("a BLS public key is 48 bytes but got " + bytes.length);
    }
    return new BlsPublicKey(bytes.clone());
  }

  /** Parses a public key in hex, with or without 0x, in any case. */
  public static BlsPublicKey fromHex(String hex) {
    return new BlsPublicKey(Hex.decode(hex, SIZE));
  }

  public byte[] toArray() {
    return bytes.clone();
  }

  public String toHex() {
    return Hex.encode(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlsPublicKey other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(BlsPublicKey other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
