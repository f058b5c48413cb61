package dev.palisade.crypto;

import dev.palisade.eth2.Hex;
import java.util.Arrays;

/**
 * A 96-byte compressed BLS12-381 G2 signature. Only the bytes: whether they are a valid point is
 * checked by {@link Bls#verify} or {@link Bls#isValidSignaturePoint}.
 */
public final class BlsSignature {
  public static final int SIZE = 96;

  private final byte[] bytes;

  private BlsSignature(byte[] bytes) {
    this.bytes = bytes;
  }

  public static BlsSignature wrap(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("a BLS signature is 96 bytes but got " + bytes.length);
    }
    return new BlsSignature(bytes.clone());
  }

  /** Parses a signature in hex, with or without 0x, in any case. */
  public static BlsSignature fromHex(String hex) {
    return new BlsSignature(Hex.decode(hex, SIZE));
  }

  /** {@link #toHex()} as ASCII into {@code out} at {@code offset}; returns the offset after it (194 bytes on). */
  public int writeHexAscii(byte[] out, int offset) {
    return Hex.encodeAscii(bytes, out, offset);
  }

  public byte[] toArray() {
    return bytes.clone();
  }

  /** 0x-prefixed lower-case hex. */
  public String toHex() {
    return Hex.encode(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlsSignature other && Arrays.equals(bytes, other.bytes);
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
