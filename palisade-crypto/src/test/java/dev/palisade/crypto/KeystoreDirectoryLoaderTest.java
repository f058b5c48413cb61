package dev.palisade.crypto;

import static dev.palisade.crypto.TestVectors.KEYSTORE_PASSWORD;
import static dev.palisade.crypto.TestVectors.KEYSTORE_PUBKEY;
import static dev.palisade.crypto.TestVectors.PBKDF2_VECTOR;
import static dev.palisade.crypto.TestVectors.SCRYPT_VECTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.crypto.KeystoreDirectoryLoader.LoadError;
import dev.palisade.crypto.KeystoreDirectoryLoader.LoadedKey;
import dev.palisade.crypto.KeystoreDirectoryLoader.Result;
import dev.palisade.eth2.BlsPublicKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeystoreDirectoryLoaderTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path keystores;
  @TempDir Path passwords;

  private final KeystoreDirectoryLoader loader = new KeystoreDirectoryLoader(2, KdfLimiter.shared());

  private void copyVector(String vector, String fileName) throws IOException {
    Files.writeString(keystores.resolve(fileName), TestVectors.keystoreJson(vector));
  }

  private void password(String name, String content) throws IOException {
    Files.writeString(passwords.resolve(name), content, StandardCharsets.UTF_8);
  }

  /** A new keystore for the secret key {@code scalar}, with cheap pbkdf2 to keep tests fast. */
  private BlsPublicKey writeKeystore(String fileName, long scalar, String password)
      throws Exception {
    byte[] secret = new byte[32];
    byte[] raw = BigInteger.valueOf(scalar).toByteArray();
    System.arraycopy(raw, 0, secret, 32 - raw.length, raw.length);
    try (BlsSecretKey key = BlsSecretKey.fromBytes(secret)) {
      Kdf kdf = new Kdf.Pbkdf2(1024, Kdf.randomSalt(RANDOM));
      Files.writeString(
          keystores.resolve(fileName),
          Eip2335Keystore.encrypt(key, password, kdf, "", RANDOM).toJson());
      return key.publicKey();
    }
  }

  private static List<String> fileNames(Result result) {
    return result.keys().stream().map(LoadedKey::fileName).toList();
  }

  @Test
  void loadsEveryKeystoreWithItsOwnPasswordFile() throws Exception {
    copyVector(PBKDF2_VECTOR, "vector.json");
    password("vector.txt", KEYSTORE_PASSWORD + "\n");
    BlsPublicKey first = writeKeystore("keystore-m_12381_3600_0_0_0.json", 11, "first password");
    password("keystore-m_12381_3600_0_0_0.txt", "first password\r\n");
    BlsPublicKey second = writeKeystore("keystore-m_12381_3600_1_0_0.json", 12, "second");
    password("keystore-m_12381_3600_1_0_0.txt", "second");

    try (Result result = loader.loadWithPasswordsDir(keystores, passwords)) {
      assertEquals(List.of(), result.errors());
      assertEquals(
          List.of(
              "keystore-m_12381_3600_0_0_0.json",
              "keystore-m_12381_3600_1_0_0.json",
              "vector.json"),
          fileNames(result));
      assertEquals(
          List.of(first, second, BlsPublicKey.fromHex(KEYSTORE_PUBKEY)),
          result.secretKeys().stream().map(BlsSecretKey::publicKey).toList());
    }
  }

  @Test
  void aMissingOrWrongPasswordFailsOnlyThatKeystore() throws Exception {
    copyVector(PBKDF2_VECTOR, "good.json");
    password("good.txt", KEYSTORE_PASSWORD);
    writeKeystore("no-password.json", 21, "whatever");
    writeKeystore("wrong-password.json", 22, "right one");
    password("wrong-password.txt", "guessed-wrong");

    try (Result result = loader.loadWithPasswordsDir(keystores, passwords)) {
      assertEquals(List.of("good.json"), fileNames(result));
      assertEquals(2, result.errors().size());
      LoadError missing = result.errors().get(0);
      assertEquals("no-password.json", missing.fileName());
      assertTrue(missing.reason().startsWith("file not found: "), missing.reason());
      assertTrue(missing.reason().endsWith("no-password.txt"), missing.reason());
      assertEquals(
          new LoadError("wrong-password.json", "wrong password (checksum mismatch)"),
          result.errors().get(1));
    }
  }

  @Test
  void duplicatePublicKeysKeepTheFirstFile() throws Exception {
    copyVector(PBKDF2_VECTOR, "a.json");
    copyVector(PBKDF2_VECTOR, "b.json");
    Path shared = passwords.resolve("all.txt");
    Files.writeString(shared, KEYSTORE_PASSWORD + "\n");

    try (Result result = loader.loadWithPasswordFile(keystores, shared)) {
      assertEquals(List.of("a.json"), fileNames(result));
      assertEquals(
          List.of(
              new LoadError(
                  "b.json",
                  "duplicate public key " + KEYSTORE_PUBKEY + " (already loaded from a.json)")),
          result.errors());
    }
  }

  @Test
  void corruptFilesAreReportedAndOtherEntriesIgnored() throws Exception {
    copyVector(PBKDF2_VECTOR, "good.json");
    Files.writeString(keystores.resolve("broken.json"), "{\"crypto\": ");
    Files.writeString(keystores.resolve("notes.txt"), "not a keystore");
    Files.createDirectory(keystores.resolve("nested.json"));
    Files.createDirectory(keystores.resolve("sub"));
    copyVector(PBKDF2_VECTOR, "sub/deeper.json");
    Path shared = passwords.resolve("all.txt");
    Files.writeString(shared, KEYSTORE_PASSWORD);

    try (Result result = loader.loadWithPasswordFile(keystores, shared)) {
      assertEquals(List.of("good.json"), fileNames(result));
      assertEquals(1, result.errors().size());
      assertEquals("broken.json", result.errors().get(0).fileName());
      assertTrue(result.errors().get(0).reason().startsWith("keystore is not valid JSON"));
    }
  }

  @Test
  void errorsNeverContainThePassword() throws Exception {
    writeKeystore("k.json", 31, "correct horse");
    Path shared = passwords.resolve("all.txt");
    Files.writeString(shared, "battery staple\n");
    try (Result result = loader.loadWithPasswordFile(keystores, shared)) {
      assertTrue(result.keys().isEmpty());
      assertFalse(result.errors().toString().contains("battery"));
      assertFalse(result.errors().toString().contains("horse"));
    }
  }

  @Test
  void anScryptKeystoreOverTheMemoryBudgetFailsAloneAndClearly() throws Exception {
    copyVector(SCRYPT_VECTOR, "scrypt.json");
    password("scrypt.txt", KEYSTORE_PASSWORD + "\n");
    writeKeystore("pbkdf2.json", 41, "pw");
    password("pbkdf2.txt", "pw");

    KdfLimiter tinyBudget = new KdfLimiter(1 << 20, Duration.ofSeconds(5));
    try (Result result =
        new KeystoreDirectoryLoader(2, tinyBudget).loadWithPasswordsDir(keystores, passwords)) {
      assertEquals(List.of("pbkdf2.json"), fileNames(result));
      assertEquals("scrypt.json", result.errors().get(0).fileName());
      assertTrue(
          result.errors().get(0).reason().contains("the decryption memory budget is 1 MiB"),
          result.errors().toString());
    }
  }

  @Test
  void anEmptyDirectoryGivesAnEmptyResult() throws Exception {
    try (Result result = new KeystoreDirectoryLoader().loadWithPasswordsDir(keystores, passwords)) {
      assertTrue(result.keys().isEmpty());
      assertTrue(result.errors().isEmpty());
    }
  }

  @Test
  void directoryOrSharedPasswordProblemsFailTheWholeLoad() {
    assertThrows(
        NoSuchFileException.class,
        () -> loader.loadWithPasswordsDir(keystores.resolve("missing"), passwords));
    assertThrows(
        NoSuchFileException.class,
        () -> loader.loadWithPasswordFile(keystores, passwords.resolve("missing.txt")));
  }

  @Test
  void aPasswordFileThatIsNotUtf8IsAnError() throws Exception {
    copyVector(PBKDF2_VECTOR, "k.json");
    Files.write(passwords.resolve("k.txt"), new byte[] {(byte) 0xff, (byte) 0xfe, 'a'});
    try (Result result = loader.loadWithPasswordsDir(keystores, passwords)) {
      assertEquals(
          List.of(new LoadError("k.json", "password file k.txt is not valid UTF-8")),
          result.errors());
    }
  }

  @Test
  void closingTheResultClosesTheKeys() throws Exception {
    writeKeystore("k.json", 51, "pw");
    password("k.txt", "pw");
    Result result = loader.loadWithPasswordsDir(keystores, passwords);
    BlsSecretKey key = result.keys().get(0).key();
    assertFalse(key.isClosed());
    result.close();
    assertTrue(key.isClosed());
  }

  @Test
  void passwordFilesLoseOnlyTrailingLineBreaks() throws Exception {
    Path file = passwords.resolve("p.txt");
    Files.writeString(file, " pass word \r\n\n");
    assertEquals(" pass word ", KeystorePasswords.readPasswordFile(file));
    assertEquals("x.txt", KeystorePasswords.passwordFileName("x.json"));
  }
}
