package dev.palisade.evm;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.List;

/**
 * Recursive Length Prefix encoding (Ethereum yellow paper, appendix B). Hand-written: BouncyCastle has
 * no RLP. Items are byte[] (a string), BigInteger (a scalar, minimal big-endian, zero = empty string)
 * or List (a list of items).
 */
public final class Rlp {
  private Rlp() {}

  public static byte[] encode(Object item) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, item);
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, Object item) {
    if (item instanceof byte[] bytes) {
      if (bytes.length == 1 && (bytes[0] & 0xff) < 0x80) {
        out.write(bytes[0]);
      } else {
        writeLength(out, bytes.length, 0x80);
        out.writeBytes(bytes);
      }
    } else if (item instanceof BigInteger scalar) {
      write(out, scalar(scalar));
    } else if (item instanceof List<?> list) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (Object element : list) {
        write(body, element);
      }
      writeLength(out, body.size(), 0xc0);
      out.writeBytes(body.toByteArray());
    } else {
      throw new IllegalArgumentException("not an RLP item: " + item.getClass().getSimpleName());
    }
  }

  /** Minimal big-endian bytes of a non-negative integer; zero is the empty string. */
  public static byte[] scalar(BigInteger value) {
    if (value.signum() < 0) {
      throw new IllegalArgumentException("RLP scalars are non-negative");
    }
    if (value.signum() == 0) {
      return new byte[0];
    }
    byte[] bytes = value.toByteArray();
    if (bytes[0] == 0) {
      byte[] trimmed = new byte[bytes.length - 1];
      System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
      return trimmed;
    }
    return bytes;
  }

  private static void writeLength(ByteArrayOutputStream out, int length, int offset) {
    if (length < 56) {
      out.write(offset + length);
      return;
    }
    byte[] lengthBytes = scalar(BigInteger.valueOf(length));
    out.write(offset + 55 + lengthBytes.length);
    out.writeBytes(lengthBytes);
  }
}
