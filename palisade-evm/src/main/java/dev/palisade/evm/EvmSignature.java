package dev.palisade.evm;

import dev.palisade.eth2.Hex;
import java.math.BigInteger;
import java.util.Arrays;

/** A secp256k1 ECDSA signature with its recovery bit (y parity of R), s already in the low half. */
public record EvmSignature(byte[] r, byte[] s, int yParity) {
  public EvmSignature {
    if (r.length != 32 || s.length != 32 || (yParity != 0 && yParity != 1)) {
      throw new IllegalArgumentException("r and s are 32 bytes, yParity is 0 or 1");
    }
    r = r.clone();
    s = s.clone();
  }

  @Override
  public byte[] r() {
    return r.clone();
  }

  @Override
  public byte[] s() {
    return s.clone();
  }

  public BigInteger rValue() {
    return new BigInteger(1, r);
  }

  public BigInteger sValue() {
    return new BigInteger(1, s);
  }

  /** r || s || v with v = 27 + yParity: the 65-byte form of personal_sign, eth_sign and EIP-712. */
  public byte[] toRsv() {
    byte[] out = Arrays.copyOf(r, 65);
    System.arraycopy(s, 0, out, 32, 32);
    out[64] = (byte) (27 + yParity);
    return out;
  }

  public String toRsvHex() {
    return Hex.encode(toRsv());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EvmSignature o
        && Arrays.equals(r, o.r) && Arrays.equals(s, o.s) && yParity == o.yParity;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(r) * 31 + Arrays.hashCode(s) + yParity;
  }

  @Override
  public String toString() {
    return toRsvHex();
  }
}
