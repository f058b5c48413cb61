package dev.palisade.auth;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address means that
 * one host ({@code /32} or {@code /128}). Host bits below the prefix must be zero: {@code 10.0.0.1/8}
 * is refused rather than silently widened, because it usually means a typo.
 */
public final class Cidr {
  private final byte[] network;
  private final int prefixLength;

  private Cidr(byte[] network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
  }

  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("network is missing");
    }
    String s = text.trim();
    int slash = s.indexOf('/');
    String literal = slash < 0 ? s : s.substring(0, slash);
    byte[] address = IpAddresses.parse(literal);
    // ::ffff:a.b.c.d/120 is written in IPv6 bits but stored as IPv4: 96 of its bits are the mapping.
    int writtenBits = literal.indexOf(':') >= 0 ? 128 : 32;
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = s.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("'" + p + "' is not a prefix length");
      }
      prefix = Integer.parseInt(p) - (writtenBits - bits);
      if (prefix < 0) {
        throw new IllegalArgumentException("an IPv4-mapped network needs a prefix of at least /96");
      }
      if (prefix > bits) {
        throw new IllegalArgumentException(
            "prefix /" + prefix + " is longer than the " + bits + " bits of the address");
      }
    }
    byte[] masked = mask(address, prefix);
    if (!Arrays.equals(masked, address)) {
      throw new IllegalArgumentException(
          "'"
              + s
              + "' has host bits set; did you mean "
              + IpAddresses.format(masked)
              + "/"
              + prefix
              + "?");
    }
    return new Cidr(masked, prefix);
  }

  /** True when {@code address} lies in this network. IPv4 never matches an IPv6 network. */
  public boolean contains(InetAddress address) {
    return contains(IpAddresses.of(address));
  }

  boolean contains(byte[] normalizedAddress) {
    return normalizedAddress.length == network.length
        && Arrays.equals(mask(normalizedAddress, prefixLength), network);
  }

  public int prefixLength() {
    return prefixLength;
  }

  public boolean isIpv4() {
    return network.length == 4;
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int bitsInByte = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (0xff << (8 - bitsInByte));
    }
    return out;
  }

  /** Canonical text: compressed-ish address as the JDK prints it, always with the prefix. */
  @Override
  public String toString() {
    return IpAddresses.format(network) + "/" + prefixLength;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr other
        && prefixLength == other.prefixLength
        && Arrays.equals(network, other.network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefixLength;
  }
}
