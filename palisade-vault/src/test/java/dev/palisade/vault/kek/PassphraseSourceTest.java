package dev.palisade.vault.kek;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PassphraseSourceTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "secret\\n|secret",
        "secret\\r\\n|secret",
        "secret\\n\\n|secret\\n",
        "secret|secret",
        "' spaced \\n'|' spaced '",
        "pässwörd🔑\\n|pässwörd🔑"
      })
  void fileDropsExactlyOneTrailingNewline(String content, String expected) throws Exception {
    Path file = dir.resolve("passphrase");
    Files.writeString(file, unescape(content));
    try (Passphrase passphrase = PassphraseSource.fromFile(file)) {
      assertEquals(unescape(expected), new String(passphrase.chars()));
    }
    try (Passphrase passphrase =
        PassphraseSource.fromEnvironment("PALISADE_PASSPHRASE", Map.of("PALISADE_PASSPHRASE", unescape(content)))) {
      assertEquals(unescape(expected), new String(passphrase.chars()));
    }
  }

  @Test
  void missingEmptyOrInvalidSourcesAreTypedErrors() throws Exception {
    assertEquals(KekException.Kind.NOT_FOUND,
        assertThrows(KekException.class, () -> PassphraseSource.fromFile(dir.resolve("absent"))).kind());
    assertEquals(KekException.Kind.NOT_FOUND,
        assertThrows(KekException.class, () -> PassphraseSource.fromEnvironment("X", Map.of())).kind());
    Path empty = dir.resolve("empty");
    Files.writeString(empty, "\n");
    assertEquals(KekException.Kind.INVALID,
        assertThrows(KekException.class, () -> PassphraseSource.fromFile(empty)).kind());
    Path binary = dir.resolve("binary");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe});
    assertEquals(KekException.Kind.INVALID,
        assertThrows(KekException.class, () -> PassphraseSource.fromFile(binary)).kind());
  }

  @Test
  void closeWipesAndToStringRedacts() throws Exception {
    Path file = dir.resolve("passphrase");
    Files.writeString(file, "hunter2\n");
    Passphrase passphrase = PassphraseSource.fromFile(file);
    char[] live = passphrase.chars();
    assertFalse(passphrase.toString().contains("hunter2"));
    passphrase.close();
    assertEquals("\0\0\0\0\0\0\0", new String(live));
    assertThrows(IllegalStateException.class, passphrase::chars);
  }

  private static String unescape(String s) {
    return s.replace("\\r", "\r").replace("\\n", "\n");
  }
}
