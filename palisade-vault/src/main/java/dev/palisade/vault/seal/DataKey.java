package dev.palisade.vault.seal;

import dev.palisade.crypto.SecretBytes;

/**
 * A fresh 256-bit data key: the plaintext (zeroed on {@link #close()}) and the same key wrapped by
 * a KEK, which is what gets stored.
 */
public final class DataKey implements AutoCloseable {
  public static final int BYTES = 32;

  private final SecretBytes plaintext;
  private final String kekId;
  private final byte[] wrapped;

  /** Takes ownership of {@code plaintext}. */
  public DataKey(SecretBytes plaintext, String kekId, byte[] wrapped) {
    if (plaintext.length() != BYTES) {
      plaintext.close();
      throw new IllegalArgumentException("a data key is " + BYTES + " bytes");
    }
    this.plaintext = plaintext;
    this.kekId = kekId;
    this.wrapped = wrapped.clone();
  }

  public SecretBytes plaintext() {
    return plaintext;
  }

  public String kekId() {
    return kekId;
  }

  public byte[] wrapped() {
    return wrapped.clone();
  }

  @Override
  public void close() {
    plaintext.close();
  }

  @Override
  public String toString() {
    return "DataKey[kek=" + kekId + ", redacted]";
  }
}
