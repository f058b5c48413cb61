package dev.palisade.vault.keys;

import java.io.IOException;
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

  String passwordFor(Path keystoreFile) throws IOException;

  /** One password file for every keystore. */
  static KeystorePasswords sharedFile(Path passwordFile) {
    return keystore -> readPasswordFile(passwordFile);
  }

  /** {@code <dir>/<name>.txt} for the keystore {@code <name>.json}. */
  static KeystorePasswords perKeystoreIn(Path passwordsDir) {
    return keystore -> {
      String name = keystore.getFileName().toString();
      String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
      return readPasswordFile(passwordsDir.resolve(base + ".txt"));
    };
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

  private static String readPasswordFile(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      String content =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
      int end = content.length();
      while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
        end--;
      }
      return content.substring(0, end);
    } catch (CharacterCodingException e) {
      throw new IOException("password file " + file.getFileName() + " is not valid UTF-8");
    } finally {
      java.util.Arrays.fill(bytes, (byte) 0);
    }
  }
}
