package dev.palisade.crypto;

import java.util.Arrays;

/**
 * Owns a byte array holding secret material and zeroes it on {@link #close()}. It never prints its
 * content. Use it in try-with-resources so the buffer is wiped on every path.
 */
public final class SecretBytes implements AutoCloseable {
  private final byte[] bytes;
  private volatile boolean closed;

  private SecretBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Takes ownership of {@code bytes}: the caller must not keep or reuse the array. */
  public static SecretBytes takeOwnership(byte[] bytes) {
    return new SecretBytes(bytes);
  }

  /** Copies {@code bytes}; the caller stays responsible for wiping its own array. */
  public static SecretBytes copyOf(byte[] bytes) {
    return new SecretBytes(bytes.clone());
  }

  public int length() {
    return bytes.length;
  }

  /**
   * The live backing array, not a copy, so that no unwiped copy is made. Do not keep it beyond the
   * lifetime of this object.
   */
  public byte[] array() {
    if (closed) {
      throw new IllegalStateException("secret bytes were already wiped");
    }
    return bytes;
  }

  @Override
  public void close() {
    closed = true;
    Arrays.fill(bytes, (byte) 0);
  }

  /** Zeroes every non-null array. */
  public static void wipe(byte[]... arrays) {
    for (byte[] array : arrays) {
      if (array != null) {
        Arrays.fill(array, (byte) 0);
      }
    }
  }

  /** Zeroes every non-null array. */
  public static void wipe(char[]... arrays) {
    for (char[] array : arrays) {
      if (array != null) {
        Arrays.fill(array, '\0');
      }
    }
  }

  @Override
  public String toString() {
    return "SecretBytes[" + bytes.length + " bytes, redacted]";
  }
}
