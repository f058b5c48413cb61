package dev.palisade.server.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.OperatorId;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.Eip2335Keystore;
import dev.palisade.crypto.Kdf;
import dev.palisade.crypto.KdfLimiter;
import dev.palisade.crypto.KeystorePasswords;
import dev.palisade.crypto.ParallelKeystoreDecryptor;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Networks;
import dev.palisade.server.NodeConfig;
import dev.palisade.server.PalisadeNode;
import dev.palisade.server.ServerConfig;
import dev.palisade.vault.kek.Passphrase;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `keys import`: parallel decryption, then each key through the registry (ownership, sealing, audit). */
class BulkKeystoreImportTest {
  private static final Actor DEFAULT = new Actor("cli", OperatorId.of("default"));

  @TempDir Path dir;
  private Path keystores;
  private Path passwords;
  private final List<BlsSecretKey> keys = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    keystores = Files.createDirectories(dir.resolve("keystores"));
    passwords = Files.createDirectories(dir.resolve("passwords"));
    for (long scalar = 101; scalar <= 104; scalar++) {
      byte[] secret = new byte[32];
      byte[] raw = BigInteger.valueOf(scalar).toByteArray();
      System.arraycopy(raw, 0, secret, 32 - raw.length, raw.length);
      keys.add(BlsSecretKey.fromBytes(secret));
    }
  }

  @AfterEach
  void tearDown() {
    keys.forEach(BlsSecretKey::close);
  }

  private PalisadeNode node() {
    NodeConfig base = new NodeConfig(new ServerConfig("127.0.0.1", 0, 1 << 20, 4), Networks.named("mainnet"),
        dir.resolve("data"), NodeConfig.SlashingConfig.embedded(), Optional.empty());
    return PalisadeNode.start(base.withSealedKeys(new SealedKeysConfig(dir.resolve("data").resolve("kek.sealed"),
        Optional.of(() -> Passphrase.of("kek passphrase")), Optional.empty())));
  }

  private void keystore(String name, BlsSecretKey key, String password, Kdf kdf) throws Exception {
    Files.writeString(keystores.resolve(name + ".json"),
        Eip2335Keystore.encrypt(key, password, kdf, "", new SecureRandom()).toJson());
    Files.writeString(passwords.resolve(name + ".txt"), password + "\n");
  }

  private static Kdf cheapPbkdf2() {
    return new Kdf.Pbkdf2(16, new byte[32]);
  }

  private static ImportSummary importAll(KeyRegistry registry, Actor actor, Path keystores, Path passwords,
      KdfLimiter limiter, ImportProgress.Listener progress) throws Exception {
    return new BulkKeystoreImport(registry, new ParallelKeystoreDecryptor(2, limiter)).importFiles(actor,
        ParallelKeystoreDecryptor.keystoreFiles(keystores), KeystorePasswords.perKeystoreIn(passwords), progress);
  }

  private static List<BlsPublicKey> imported(ImportSummary summary) {
    return summary.imported().stream().map(ImportSummary.Imported::publicKey).toList();
  }

  @Test
  void importsGoodFilesReportsEachBadOneAndStoresNothingForIt() throws Exception {
    keystore("a", keys.get(0), "password-a", cheapPbkdf2());
    keystore("b", keys.get(1), "password-b", new Kdf.Scrypt(1 << 10, 8, 1, new byte[32]));
    keystore("c-wrong-password", keys.get(2), "password-c", cheapPbkdf2());
    Files.writeString(passwords.resolve("c-wrong-password.txt"), "not-the-password\n");
    Files.writeString(keystores.resolve("d-corrupt.json"), "{\"crypto\": 42}");
    keystore("e-duplicate-of-a", keys.get(0), "password-e", cheapPbkdf2());
    keystore("f-no-password", keys.get(3), "password-f", cheapPbkdf2());
    Files.delete(passwords.resolve("f-no-password.txt"));

    List<ImportProgress> progress = new CopyOnWriteArrayList<>();
    try (PalisadeNode node = node()) {
      ImportSummary summary = importAll(node.keys(), DEFAULT, keystores, passwords, KdfLimiter.shared(), progress::add);
      assertEquals(List.of(keys.get(0).publicKey(), keys.get(1).publicKey()), imported(summary));
      assertEquals(List.of(keystores.resolve("e-duplicate-of-a.json")),
          summary.duplicates().stream().map(ImportSummary.Duplicate::file).toList());
      assertEquals(List.of(ImportSummary.Reason.WRONG_PASSWORD, ImportSummary.Reason.INVALID_KEYSTORE,
          ImportSummary.Reason.UNREADABLE), summary.failures().stream().map(ImportSummary.Failure::reason).toList());
      assertEquals(6, summary.total());
      // one report per file, counting up
      assertEquals(List.of(1, 2, 3, 4, 5, 6), progress.stream().map(ImportProgress::done).toList());
      // owned by the importing operator, sealed, and audited as an import
      assertEquals(List.of(keys.get(0).publicKey(), keys.get(1).publicKey()).stream().sorted().toList(),
          node.access().store().keysOf(DEFAULT.operator()).stream().sorted().toList());
      assertTrue(node.keys().isSealedFor(DEFAULT.operator(), keys.get(1).publicKey()));
      assertTrue(!node.keys().isSealedFor(DEFAULT.operator(), keys.get(2).publicKey()));
      assertEquals(2, node.auditLog().tail(50, Optional.empty()).stream()
          .filter(entry -> "KEY_IMPORT".equals(entry.entry().signingType())).count());
    }
    // a restarted node opens exactly the imported keys
    try (PalisadeNode node = node()) {
      assertEquals(2, node.loadSealedKeys().orElseThrow().loaded());
    }
  }

  @Test
  void aSecondImportReportsDuplicatesAndAnotherOperatorCannotTakeTheKeys() throws Exception {
    keystore("a", keys.get(0), "pa", cheapPbkdf2());
    keystore("b", keys.get(1), "pb", cheapPbkdf2());
    try (PalisadeNode node = node()) {
      assertEquals(2, importAll(node.keys(), DEFAULT, keystores, passwords, KdfLimiter.shared(),
          ImportProgress.Listener.NONE).imported().size());
      ImportSummary again = importAll(node.keys(), DEFAULT, keystores, passwords, KdfLimiter.shared(),
          ImportProgress.Listener.NONE);
      assertEquals(List.of(), again.imported());
      assertEquals(2, again.duplicates().size());

      node.access().store().createOperator(OperatorId.of("opb"));
      ImportSummary taken = importAll(node.keys(), new Actor("cli", OperatorId.of("opb")), keystores, passwords,
          KdfLimiter.shared(), ImportProgress.Listener.NONE);
      assertEquals(List.of(), taken.imported());
      assertEquals(2, taken.failures().size());
      assertTrue(taken.failures().stream().allMatch(f -> f.reason() == ImportSummary.Reason.REFUSED
          && f.message().equals("this key is managed by another operator")), taken.failures().toString());
      assertEquals(List.of(), node.access().store().keysOf(OperatorId.of("opb")));
    }
  }

  @Test
  void aKeystoreOverTheMemoryBudgetFailsAlone() throws Exception {
    keystore("a-scrypt", keys.get(0), "pa", new Kdf.Scrypt(1 << 10, 8, 1, new byte[32]));
    keystore("b-pbkdf2", keys.get(1), "pb", cheapPbkdf2());
    try (PalisadeNode node = node()) {
      ImportSummary summary = importAll(node.keys(), DEFAULT, keystores, passwords,
          new KdfLimiter(1 << 20, Duration.ofSeconds(5)), ImportProgress.Listener.NONE);
      assertEquals(List.of(keys.get(1).publicKey()), imported(summary));
      assertEquals(ImportSummary.Reason.RESOURCE_LIMIT, summary.failures().get(0).reason());
      assertTrue(summary.failures().get(0).message().contains("decryption memory budget is 1 MiB"),
          summary.failures().get(0).message());
      assertTrue(!node.keys().isSealedFor(DEFAULT.operator(), keys.get(0).publicKey()));
    }
  }
}
