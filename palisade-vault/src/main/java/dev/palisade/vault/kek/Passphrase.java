package dev.palisade.vault.kek;

import dev.palisade.crypto.SecretBytes;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A passphrase or PIN held as chars that are zeroed on {@link #close()}; never printed. */
public final class Passphrase implements AutoCloseable {
  private final char[] chars;
  private volatile boolean closed;

  private Passphrase(char[] chars) {
    this.chars = chars;
  }

  /** Takes ownership of {@code chars}. */
  public static Passphrase takeOwnership(char[] chars) {
    return new Passphrase(chars);
  }

  /** Copies a String (which itself cannot be wiped: prefer char[] sources). */
  public static Passphrase of(String value) {
    return new Passphrase(value.toCharArray());
  }

  public boolean isEmpty() {
    return chars.length == 0;
  }

  /** The live chars; do not keep them beyond this object's lifetime. */
  public char[] chars() {
    if (closed) {
      throw new IllegalStateException("passphrase was already wiped");
    }
    return chars;
  }

  /** The passphrase as UTF-8 bytes, for a KDF; the caller closes the result. */
  public SecretBytes utf8() {
    ByteBuffer encoded = null;
    try {
      encoded =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(chars()));
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      return SecretBytes.takeOwnership(bytes);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("passphrase is not valid Unicode");
    } finally {
      if (encoded != null && encoded.hasArray()) {
        SecretBytes.wipe(encoded.array());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    Arrays.fill(chars, '\0');
  }

  @Override
  public String toString() {
    return "Passphrase[redacted]";
  }
}
