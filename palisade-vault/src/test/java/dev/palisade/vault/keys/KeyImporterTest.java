package dev.palisade.vault.keys;

import dev.palisade.crypto.KeystorePasswords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.Eip2335Keystore;
import dev.palisade.crypto.Kdf;
import dev.palisade.crypto.KdfLimiter;
import dev.palisade.vault.TestKeys;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.store.SealedKeyStore;
import dev.palisade.store.Dialect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyImporterTest {
  private static final OperatorId OPERATOR = new OperatorId("op");
  @TempDir Path dir;
  private Path keystores;
  private Path passwords;
  private SealedFileKek kek;
  private SealedKeyStore store;
  private final List<BlsSecretKey> keys = TestKeys.random(5, 4);

  @BeforeEach
  void setUp() throws Exception {
    keystores = Files.createDirectories(dir.resolve("keystores"));
    passwords = Files.createDirectories(dir.resolve("passwords"));
    Path data = Files.createDirectories(dir.resolve("data"));
    kek = SealedFileKek.create(data.resolve("kek.sealed"), Passphrase.of("pp"), ScryptParams.FOR_TESTS);
    store = new SealedKeyStore(dev.palisade.vault.store.TestSqlite.dataSource(data.resolve("palisade.db")), Dialect.SQLITE);
  }

  @AfterEach
  void tearDown() {
    kek.close();
    keys.forEach(BlsSecretKey::close);
  }

  /** Writes keystore {@code name}.json with password file {@code name}.txt (LF-terminated). */
  static void writeKeystore(Path keystores, Path passwords, String name, BlsSecretKey key,
      String password, Kdf kdf) throws Exception {
    Eip2335Keystore keystore =
        Eip2335Keystore.encrypt(key, password, kdf, "m/12381/3600/0/0/0", new SecureRandom());
    Files.writeString(keystores.resolve(name + ".json"), keystore.toJson());
    Files.writeString(passwords.resolve(name + ".txt"), password + "\n");
  }

  static Kdf cheapPbkdf2() {
    return new Kdf.Pbkdf2(16, new byte[32]);
  }

  static Kdf cheapScrypt() {
    return new Kdf.Scrypt(1 << 10, 8, 1, new byte[32]);
  }

  @Test
  void importsGoodFilesAndReportsEachBadOneWithoutImportingIt() throws Exception {
    writeKeystore(keystores, passwords, "a", keys.get(0), "password-a", cheapPbkdf2());
    writeKeystore(keystores, passwords, "b", keys.get(1), "password-b", cheapScrypt());
    writeKeystore(keystores, passwords, "c-wrong-password", keys.get(2), "password-c", cheapPbkdf2());
    Files.writeString(passwords.resolve("c-wrong-password.txt"), "not-the-password\n");
    Files.writeString(keystores.resolve("d-corrupt.json"), "{\"crypto\": 42}");
    writeKeystore(keystores, passwords, "e-duplicate-of-a", keys.get(0), "password-e", cheapPbkdf2());
    writeKeystore(keystores, passwords, "f-no-password", keys.get(3), "password-f", cheapPbkdf2());
    Files.delete(passwords.resolve("f-no-password.txt"));

    List<ImportProgress> progress = new CopyOnWriteArrayList<>();
    KeyImporter importer = new KeyImporter(store, kek, OPERATOR, 2, KdfLimiter.shared());
    ImportSummary summary =
        importer.importDirectory(keystores, KeystorePasswords.perKeystoreIn(passwords), progress::add);

    assertEquals(List.of(keys.get(0).publicKey(), keys.get(1).publicKey()),
        summary.imported().stream().map(ImportSummary.Imported::publicKey).toList());
    assertEquals(List.of(keystores.resolve("e-duplicate-of-a.json")),
        summary.duplicates().stream().map(ImportSummary.Duplicate::file).toList());
    assertEquals(3, summary.failures().size());
    assertEquals(ImportSummary.Reason.WRONG_PASSWORD, summary.failures().get(0).reason());
    assertEquals(keystores.resolve("c-wrong-password.json"), summary.failures().get(0).file());
    assertEquals(ImportSummary.Reason.INVALID_KEYSTORE, summary.failures().get(1).reason());
    assertEquals(ImportSummary.Reason.UNREADABLE, summary.failures().get(2).reason());
    assertEquals(6, summary.total());

    // Exactly the two good keys are stored; the wrong-password key is not.
    assertEquals(2, store.count(OPERATOR));
    assertTrue(store.get(keys.get(2).publicKey()).isEmpty());
    assertTrue(store.get(keys.get(3).publicKey()).isEmpty());

    // Progress: one report per file, counting up to the total, with a positive rate.
    assertEquals(6, progress.size());
    for (int i = 0; i < progress.size(); i++) {
      assertEquals(i + 1, progress.get(i).done());
      assertEquals(6, progress.get(i).total());
      assertTrue(progress.get(i).keysPerSecond() > 0);
    }

    // The stored keys open to the imported secrets.
    try (BlsSecretKey opened = KeySealer.open(store.get(keys.get(1).publicKey()).orElseThrow(), KekRing.of(kek))) {
      assertEquals(keys.get(1).sign(new byte[] {1}), opened.sign(new byte[] {1}));
    }
  }

  @Test
  void keystoresOverTheKdfLimitsOrTheMemoryBudgetFailAloneAndStoreNothing() throws Exception {
    writeKeystore(keystores, passwords, "a-scrypt", keys.get(0), "pa", cheapScrypt());
    writeKeystore(keystores, passwords, "b-pbkdf2", keys.get(1), "pb", cheapPbkdf2());
    writeKeystore(keystores, passwords, "c-1gib", keys.get(2), "pc", cheapScrypt());
    Path oneGib = keystores.resolve("c-1gib.json");
    Files.writeString(oneGib, Files.readString(oneGib).replace("\"n\" : 1024", "\"n\" : 1048576"));

    KdfLimiter tooSmallForScrypt = new KdfLimiter(1 << 20, java.time.Duration.ofSeconds(5));
    ImportSummary summary = new KeyImporter(store, kek, OPERATOR, 2, tooSmallForScrypt)
        .importDirectory(keystores, KeystorePasswords.perKeystoreIn(passwords), ImportProgress.Listener.NONE);

    assertEquals(List.of(keys.get(1).publicKey()),
        summary.imported().stream().map(ImportSummary.Imported::publicKey).toList());
    assertEquals(ImportSummary.Reason.RESOURCE_LIMIT, summary.failures().get(0).reason());
    assertTrue(summary.failures().get(0).message().contains("decryption memory budget is 1 MiB"),
        summary.failures().get(0).message());
    assertEquals(ImportSummary.Reason.INVALID_KEYSTORE, summary.failures().get(1).reason());
    assertTrue(summary.failures().get(1).message().contains("exceeds the limit of 268435456 bytes (256 MiB)"),
        summary.failures().get(1).message());
    assertEquals(1, store.count(OPERATOR));
  }

  @Test
  void reimportingReportsDuplicatesAndChangesNothing() throws Exception {
    writeKeystore(keystores, passwords, "a", keys.get(0), "pa", cheapPbkdf2());
    writeKeystore(keystores, passwords, "b", keys.get(1), "pb", cheapPbkdf2());
    KeyImporter importer = new KeyImporter(store, kek, OPERATOR, 2, KdfLimiter.shared());
    importer.importDirectory(keystores, KeystorePasswords.perKeystoreIn(passwords), ImportProgress.Listener.NONE);
    var before = store.list(OPERATOR);
    ImportSummary again =
        importer.importDirectory(keystores, KeystorePasswords.perKeystoreIn(passwords), ImportProgress.Listener.NONE);
    assertEquals(0, again.imported().size());
    assertEquals(2, again.duplicates().size());
    assertEquals(before, store.list(OPERATOR));
  }

  @Test
  void sharedPasswordFileAndNoPasswordStored() throws Exception {
    String password = "shared-Pässword-" + new Random(3).nextInt(1_000_000);
    Path shared = dir.resolve("password.txt");
    Files.writeString(shared, password + "\r\n");
    for (int i = 0; i < 3; i++) {
      Eip2335Keystore keystore =
          Eip2335Keystore.encrypt(keys.get(i), password, cheapPbkdf2(), "", new SecureRandom());
      Files.writeString(keystores.resolve("k" + i + ".json"), keystore.toJson());
    }
    ImportSummary summary =
        new KeyImporter(store, kek, OPERATOR)
            .importDirectory(keystores, KeystorePasswords.sharedFile(shared), ImportProgress.Listener.NONE);
    assertEquals(3, summary.imported().size(), summary.failures().toString());
    assertEquals(List.of(),
        TestKeys.filesContaining(dir.resolve("data"), password.getBytes(StandardCharsets.UTF_8)));
    List<Path> none = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      none.addAll(TestKeys.filesContaining(dir.resolve("data"), TestKeys.secretOf(keys.get(i))));
    }
    assertEquals(List.of(), none);
  }
}
