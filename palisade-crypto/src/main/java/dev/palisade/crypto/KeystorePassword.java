package dev.palisade.crypto;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;

/**
 * The EIP-2335 password as KDF input: NFKD-normalised, with C0 (U+0000-U+001F), DEL (U+007F) and C1
 * (U+0080-U+009F) control characters removed, then UTF-8 encoded. Holds the result both as chars
 * (for the JDK's PBKDF2, which UTF-8-encodes chars itself) and as bytes (for scrypt), and wipes
 * both on close. The NFKD String itself is immutable and cannot be wiped.
 */
final class KeystorePassword implements AutoCloseable {
  private final char[] chars;
  private final byte[] utf8;

  private KeystorePassword(char[] chars, byte[] utf8) {
    this.chars = chars;
    this.utf8 = utf8;
  }

  static KeystorePassword normalize(String password) throws KeystoreException {
    String nfkd = Normalizer.normalize(password, Normalizer.Form.NFKD);
    char[] kept = new char[nfkd.length()];
    int length = 0;
    for (int i = 0; i < nfkd.length(); i++) {
      char c = nfkd.charAt(i);
      if (!isControl(c)) {
        kept[length++] = c;
      }
    }
    char[] chars = Arrays.copyOf(kept, length);
    SecretBytes.wipe(kept);
    return new KeystorePassword(chars, encodeUtf8Strictly(chars));
  }

  /**
   * The password exactly as typed, UTF-8 encoded: Web3 Secret Storage v3 (geth, ethers, web3j) does
   * no normalisation, so a v3 keystore must be opened with the raw bytes.
   */
  static KeystorePassword raw(String password) throws KeystoreException {
    char[] chars = password.toCharArray();
    return new KeystorePassword(chars, encodeUtf8Strictly(chars));
  }

  /** Control characters per EIP-2335; all are single UTF-16 units, so surrogates are never hit. */
  static boolean isControl(char c) {
    return c <= 0x1F || (c >= 0x7F && c <= 0x9F);
  }

  char[] chars() {
    return chars;
  }

  byte[] utf8() {
    return utf8;
  }

  @Override
  public void close() {
    SecretBytes.wipe(chars);
    SecretBytes.wipe(utf8);
  }

  /** Rejects lone surrogates instead of silently turning them into '?'. */
  private static byte[] encodeUtf8Strictly(char[] chars) throws KeystoreException {
    CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer encoded = null;
    try {
      encoded = encoder.encode(CharBuffer.wrap(chars));
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      SecretBytes.wipe(chars);
      throw new KeystoreException(
          KeystoreException.Kind.WRONG_PASSWORD, "password is not valid Unicode");
    } finally {
      if (encoded != null && encoded.hasArray()) {
        SecretBytes.wipe(encoded.array());
      }
    }
  }
}
