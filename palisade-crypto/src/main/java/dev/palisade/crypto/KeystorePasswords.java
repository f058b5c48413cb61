package dev.palisade.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where each keystore's password comes from, as Web3Signer and the deposit CLIs lay them out. A
 * trailing CR/LF in a password file is ignored. Passwords are used once, never stored.
 */
@FunctionalInterface
public interface KeystorePasswords {

  /**
   * @throws IOException the password file cannot be read (a missing one is {@link java.nio.file.NoSuchFileException})
   * @throws KeystoreException the password file is not UTF-8
   */
  String passwordFor(Path keystoreFile) throws IOException, KeystoreException;

  /** One password file for every keystore, read once. */
  static KeystorePasswords sharedFile(Path passwordFile) throws IOException, KeystoreException {
    String password = readPasswordFile(passwordFile);
    return keystore -> password;
  }

  /** {@code <dir>/<name>.txt} for the keystore {@code <name>.json}. */
  static KeystorePasswords perKeystoreIn(Path passwordsDir) {
    return keystore -> readPasswordFile(passwordsDir.resolve(passwordFileName(keystore.getFileName().toString())));
  }

  /** Passwords given in memory (the Keymanager API sends them in the request), by file name. */
  static KeystorePasswords byFileName(Map<String, String> passwords) {
    return keystore -> {
      String password = passwords.get(keystore.getFileName().toString());
      if (password == null) {
        throw new IOException("no password given for " + keystore.getFileName());
      }
      return password;
    };
  }

  /** {@code <name>.json} reads its password from {@code <name>.txt}. */
  static String passwordFileName(String keystoreFileName) {
    String base = keystoreFileName.endsWith(".json")
        ? keystoreFileName.substring(0, keystoreFileName.length() - ".json".length())
        : keystoreFileName;
    return base + ".txt";
  }

  /**
   * Reads a password file as strict UTF-8 and drops trailing CR/LF characters (EIP-2335 normalisation
   * strips control characters anyway; this keeps Web3Signer's behaviour explicit). The file's bytes
   * and the decoding buffer are wiped.
   */
  static String readPasswordFile(Path file) throws IOException, KeystoreException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      String content = chars.toString();
      if (chars.hasArray()) {
        SecretBytes.wipe(chars.array());
      }
      int end = content.length();
      while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
        end--;
      }
      return content.substring(0, end);
    } catch (CharacterCodingException e) {
      throw new KeystoreException(KeystoreException.Kind.INVALID_FORMAT,
          "password file " + file.getFileName() + " is not valid UTF-8");
    } finally {
      SecretBytes.wipe(bytes);
    }
  }
}
