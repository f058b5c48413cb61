package dev.palisade.vault.kek;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.crypto.SecretBytes;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.vault.TestKeys;
import dev.palisade.vault.seal.DataKey;
import dev.palisade.vault.seal.KeyBinding;
import dev.palisade.vault.seal.OperatorId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealedFileKekTest {
  @TempDir Path dir;

  private static KeyBinding binding(long seed) {
    BlsPublicKey publicKey = TestKeys.random(new Random(seed)).publicKey();
    return new KeyBinding(publicKey, OperatorId.DEFAULT, 1);
  }

  @Test
  void createdFileIsOwnerOnlyAndReopensToTheSameKek() throws Exception {
    Path file = dir.resolve("kek.sealed");
    KeyBinding binding = binding(1);
    byte[] wrapped;
    byte[] plaintext;
    String id;
    try (SealedFileKek kek = SealedFileKek.create(file, Passphrase.of("correct horse"), ScryptParams.FOR_TESTS);
        DataKey dataKey = kek.newDataKey(binding)) {
      id = kek.id();
      wrapped = dataKey.wrapped();
      plaintext = dataKey.plaintext().array().clone();
    }
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertTrue(id.startsWith("sealed-file:"));
    // No temp file left behind.
    assertEquals(List.of(file), Files.list(dir).toList());
    try (SealedFileKek reopened = SealedFileKek.open(file, Passphrase.of("correct horse"));
        SecretBytes unwrapped = reopened.unwrap(wrapped, binding)) {
      assertEquals(id, reopened.id());
      assertArrayEquals(plaintext, unwrapped.array());
    }
  }

  @Test
  void wrongPassphraseIsATypedErrorAndChangesNothing() throws Exception {
    Path file = dir.resolve("kek.sealed");
    SealedFileKek.create(file, Passphrase.of("right"), ScryptParams.FOR_TESTS).close();
    byte[] before = Files.readAllBytes(file);
    long modified = Files.getLastModifiedTime(file).toMillis();
    KekException e =
        assertThrows(KekException.class, () -> SealedFileKek.open(file, Passphrase.of("wrong")));
    assertEquals(KekException.Kind.WRONG_PASSPHRASE, e.kind());
    assertFalse(e.getMessage().contains("wrong\""));
    e =
        assertThrows(
            KekException.class,
            () -> SealedFileKek.openOrCreate(file, Passphrase.of("wrong"), ScryptParams.FOR_TESTS));
    assertEquals(KekException.Kind.WRONG_PASSPHRASE, e.kind());
    assertArrayEquals(before, Files.readAllBytes(file));
    assertEquals(modified, Files.getLastModifiedTime(file).toMillis());
    SealedFileKek.open(file, Passphrase.of("right")).close();
  }

  @Test
  void neverOverwritesAnExistingKek() throws Exception {
    Path file = dir.resolve("kek.sealed");
    SealedFileKek.create(file, Passphrase.of("one"), ScryptParams.FOR_TESTS).close();
    byte[] before = Files.readAllBytes(file);
    KekException e =
        assertThrows(
            KekException.class,
            () -> SealedFileKek.create(file, Passphrase.of("two"), ScryptParams.FOR_TESTS));
    assertEquals(KekException.Kind.ALREADY_EXISTS, e.kind());
    assertArrayEquals(before, Files.readAllBytes(file));
  }

  @Test
  void editedHeaderIsDetected() throws Exception {
    Path file = dir.resolve("kek.sealed");
    SealedFileKek.create(file, Passphrase.of("pw"), ScryptParams.FOR_TESTS).close();
    String content = Files.readString(file);
    // Changing the KEK id (or weakening the KDF) must not go unnoticed: the header is the AAD.
    String edited = content.replaceFirst("id sealed-file:[0-9a-f]", "id sealed-file:x");
    Files.writeString(file, edited);
    assertEquals(KekException.Kind.WRONG_PASSPHRASE,
        assertThrows(KekException.class, () -> SealedFileKek.open(file, Passphrase.of("pw"))).kind());
  }

  @Test
  void missingOrMalformedFileIsATypedError() throws Exception {
    assertEquals(KekException.Kind.NOT_FOUND,
        assertThrows(KekException.class,
            () -> SealedFileKek.open(dir.resolve("absent"), Passphrase.of("pw"))).kind());
    Path garbage = dir.resolve("garbage");
    Files.writeString(garbage, "not a kek\n");
    assertEquals(KekException.Kind.INVALID,
        assertThrows(KekException.class, () -> SealedFileKek.open(garbage, Passphrase.of("pw"))).kind());
  }

  @Test
  void openOrCreateCreatesOnceThenOpens() throws Exception {
    Path file = dir.resolve("sub").resolve("kek.sealed");
    String id;
    try (SealedFileKek created = SealedFileKek.openOrCreate(file, Passphrase.of("pw"), ScryptParams.FOR_TESTS)) {
      id = created.id();
    }
    try (SealedFileKek opened = SealedFileKek.openOrCreate(file, Passphrase.of("pw"), ScryptParams.FOR_TESTS)) {
      assertEquals(id, opened.id());
    }
  }

  @Test
  void wrappedDataKeyIsBoundToItsBindingAndKek() throws Exception {
    try (SealedFileKek kek = SealedFileKek.create(dir.resolve("a"), Passphrase.of("pw"), ScryptParams.FOR_TESTS);
        SealedFileKek other = SealedFileKek.create(dir.resolve("b"), Passphrase.of("pw"), ScryptParams.FOR_TESTS);
        DataKey dataKey = kek.newDataKey(binding(1))) {
      byte[] wrapped = dataKey.wrapped();
      assertEquals(KekException.Kind.UNWRAP_FAILED,
          assertThrows(KekException.class, () -> kek.unwrap(wrapped, binding(2))).kind());
      KeyBinding otherOperator =
          new KeyBinding(binding(1).publicKey(), new OperatorId("mallory"), 1);
      assertEquals(KekException.Kind.UNWRAP_FAILED,
          assertThrows(KekException.class, () -> kek.unwrap(wrapped, otherOperator)).kind());
      assertEquals(KekException.Kind.UNWRAP_FAILED,
          assertThrows(KekException.class, () -> other.unwrap(wrapped, binding(1))).kind());
    }
  }

  @Test
  void fileHoldsNoClearKekOrPassphrase() throws Exception {
    Path file = dir.resolve("kek.sealed");
    SealedFileKek.create(file, Passphrase.of("very-secret-passphrase"), ScryptParams.FOR_TESTS).close();
    String content = Files.readString(file, StandardCharsets.US_ASCII);
    assertFalse(content.contains("very-secret-passphrase"));
    assertTrue(content.startsWith("palisade-sealed-kek 1\n"));
  }
}
