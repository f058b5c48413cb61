package dev.palisade.vault.seal;

import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * An AES key whose bytes can be zeroed, unlike {@link javax.crypto.spec.SecretKeySpec} (whose
 * destroy() is not implemented on Java 17). The JDK cipher still expands the key into its own
 * schedule, which we cannot wipe; we wipe what we own.
 */
public final class DestroyableAesKey implements SecretKey {
  private static final long serialVersionUID = 1L;
  private final byte[] bytes;
  private volatile boolean destroyed;

  /** Copies {@code key}; the caller keeps (and wipes) its own array. */
  public DestroyableAesKey(byte[] key) {
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new IllegalArgumentException("an AES key is 16, 24 or 32 bytes");
    }
    this.bytes = key.clone();
  }

  @Override
  public String getAlgorithm() {
    return "AES";
  }

  @Override
  public String getFormat() {
    return "RAW";
  }

  /** A copy, as the JCA contract requires; the JDK's AES wipes the copies it requests. */
  @Override
  public byte[] getEncoded() {
    if (destroyed) {
      throw new IllegalStateException("key was destroyed");
    }
    return bytes.clone();
  }

  @Override
  public void destroy() {
    destroyed = true;
    Arrays.fill(bytes, (byte) 0);
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "DestroyableAesKey[redacted]";
  }
}
