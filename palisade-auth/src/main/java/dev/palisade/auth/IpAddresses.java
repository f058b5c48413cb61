package dev.palisade.auth;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Parses IP address literals without ever touching DNS ({@link InetAddress#getByName} would resolve a
 * host name, so a typo in an allowlist could turn into a lookup). IPv4 must be the dotted quad with
 * no leading zeros (is {@code 010} eight or ten?); IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d})
 * become IPv4, so a dual-stack socket's view of an IPv4 client matches an IPv4 rule.
 */
final class IpAddresses {
  private IpAddresses() {}

  /** The 4 or 16 address bytes. */
  static byte[] parse(String literal) {
    if (literal == null || literal.isEmpty()) {
      throw new IllegalArgumentException("IP address is missing");
    }
    String s = literal.trim();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    if (s.indexOf(':') >= 0) {
      return normalize(parseV6(s));
    }
    return parseV4(s);
  }

  /** 4 bytes for IPv4 and IPv4-mapped IPv6, else 16. */
  static byte[] normalize(byte[] address) {
    if (address.length == 16 && isV4Mapped(address)) {
      return Arrays.copyOfRange(address, 12, 16);
    }
    return address.clone();
  }

  static byte[] of(InetAddress address) {
    return normalize(address.getAddress());
  }

  private static boolean isV4Mapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
  }

  /** Dotted quad, by hand: it runs for every request's peer address, where split and streams cost garbage. */
  private static byte[] parseV4(String s) {
    byte[] out = new byte[4];
    int octet = 0;
    int start = 0;
    for (int i = 0; i <= s.length(); i++) {
      if (i < s.length() && s.charAt(i) != '.') {
        continue;
      }
      if (octet == 4) {
        throw invalid(s); // a fifth part
      }
      out[octet++] = (byte) octet(s, start, i);
      start = i + 1;
    }
    if (octet != 4) {
      throw invalid(s);
    }
    return out;
  }

  /** The decimal octet s[start, end): 1-3 digits, no leading zero, at most 255. */
  private static int octet(String s, int start, int end) {
    int length = end - start;
    if (length == 0 || length > 3) {
      throw invalid(s);
    }
    int value = 0;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw invalid(s);
      }
      value = value * 10 + (c - '0');
    }
    if (length > 1 && s.charAt(start) == '0') {
      throw new IllegalArgumentException(
          "'" + abbreviate(s) + "' has a leading zero in an octet, which some tools read as octal");
    }
    if (value > 255) {
      throw invalid(s);
    }
    return value;
  }

  private static byte[] parseV6(String s) {
    if (s.indexOf('%') >= 0) {
      throw new IllegalArgumentException("'" + abbreviate(s) + "': zone ids are not supported");
    }
    if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
      throw invalid(s);
    }
    try {
      // With a ':' and only hex digits, ':' and '.', the JDK parses a literal and never resolves.
      InetAddress address = InetAddress.getByName(s);
      if (address instanceof Inet6Address || address instanceof Inet4Address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
          // The JDK already turned ::ffff:a.b.c.d into IPv4; rebuild the mapped form for normalize.
          byte[] mapped = new byte[16];
          mapped[10] = (byte) 0xff;
          mapped[11] = (byte) 0xff;
          System.arraycopy(bytes, 0, mapped, 12, 4);
          return mapped;
        }
        return bytes;
      }
      throw invalid(s);
    } catch (UnknownHostException e) {
      throw invalid(s);
    }
  }

  static String format(byte[] address) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("an IP address is 4 or 16 bytes", e);
    }
  }

  private static IllegalArgumentException invalid(String s) {
    return new IllegalArgumentException("'" + abbreviate(s) + "' is not an IPv4 or IPv6 address");
  }

  private static String abbreviate(String s) {
    String cleaned = s.replaceAll("\\p{Cntrl}", "?");
    return cleaned.length() > 45 ? cleaned.substring(0, 45) + "…" : cleaned;
  }
}
