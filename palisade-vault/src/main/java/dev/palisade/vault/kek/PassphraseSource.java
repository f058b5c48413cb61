package dev.palisade.vault.kek;

import dev.palisade.crypto.SecretBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Reads a passphrase (or PIN) from a file or an environment variable. Exactly one trailing newline
 * (LF or CRLF) is dropped, as editors and {@code echo} add one; any other whitespace is part of the
 * passphrase. (Prompting is the CLI's job.)
 */
public final class PassphraseSource {
  private PassphraseSource() {}

  /**
   * @throws KekException of kind NOT_FOUND if the file is missing, INVALID if it is not UTF-8 or
   *     is empty
   */
  public static Passphrase fromFile(Path file) throws KekException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new KekException(KekException.Kind.NOT_FOUND, "passphrase file not found: " + file);
    } catch (IOException e) {
      throw new KekException(
          KekException.Kind.UNAVAILABLE, "cannot read passphrase file " + file + ": " + e);
    }
    try {
      return nonEmpty(withoutOneTrailingNewline(decodeUtf8(bytes, file.toString())), file.toString());
    } finally {
      SecretBytes.wipe(bytes);
    }
  }

  /** Reads the variable from the process environment. */
  public static Passphrase fromEnvironment(String variable) throws KekException {
    return fromEnvironment(variable, System.getenv());
  }

  /** Reads the variable from {@code environment} (a seam for tests). */
  public static Passphrase fromEnvironment(String variable, Map<String, String> environment)
      throws KekException {
    String value = environment.get(variable);
    if (value == null) {
      throw new KekException(
          KekException.Kind.NOT_FOUND, "environment variable " + variable + " is not set");
    }
    return nonEmpty(withoutOneTrailingNewline(value.toCharArray()), "$" + variable);
  }

  static char[] withoutOneTrailingNewline(char[] chars) {
    int end = chars.length;
    if (end > 0 && chars[end - 1] == '\n') {
      end--;
      if (end > 0 && chars[end - 1] == '\r') {
        end--;
      }
    }
    if (end == chars.length) {
      return chars;
    }
    char[] trimmed = Arrays.copyOf(chars, end);
    SecretBytes.wipe(chars);
    return trimmed;
  }

  private static char[] decodeUtf8(byte[] bytes, String source) throws KekException {
    try {
      CharBuffer decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes));
      char[] chars = new char[decoded.remaining()];
      decoded.get(chars);
      if (decoded.hasArray()) {
        SecretBytes.wipe(decoded.array());
      }
      return chars;
    } catch (CharacterCodingException e) {
      throw new KekException(KekException.Kind.INVALID, source + " is not valid UTF-8");
    }
  }

  private static Passphrase nonEmpty(char[] chars, String source) throws KekException {
    if (chars.length == 0) {
      throw new KekException(KekException.Kind.INVALID, "the passphrase in " + source + " is empty");
    }
    return Passphrase.takeOwnership(chars);
  }
}
