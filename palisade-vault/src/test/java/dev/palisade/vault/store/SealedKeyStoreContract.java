package dev.palisade.vault.store;

import dev.palisade.store.Dialect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.vault.TestKeys;
import dev.palisade.vault.keys.KeySealer;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every dialect of the sealed key store must do; subclasses supply a fresh database. */
abstract class SealedKeyStoreContract {
  static final OperatorId ALICE = new OperatorId("alice");
  static final OperatorId BOB = new OperatorId("bob");
  @TempDir static Path kekDir;
  static SealedFileKek kek;
  SealedKeyStore store;

  /** A database holding nothing of the vault yet (it may hold other modules' tables). */
  abstract DataSource freshDatabase() throws Exception;

  abstract Dialect dialect();

  @BeforeAll
  static void createKek() throws Exception {
    kek = SealedFileKek.create(kekDir.resolve("kek"), Passphrase.of("pw"), ScryptParams.FOR_TESTS);
  }

  @AfterAll
  static void closeKek() {
    kek.close();
  }

  @BeforeEach
  void openStore() throws Exception {
    store = new SealedKeyStore(freshDatabase(), dialect());
  }

  static SealedKey sealed(long seed, OperatorId operator) throws Exception {
    try (BlsSecretKey key = TestKeys.random(new Random(seed))) {
      return KeySealer.seal(key, operator, kek);
    }
  }

  @Test
  void putIsIdempotentAndRefusesADifferentRecordUnlessReplacing() throws Exception {
    SealedKey record = sealed(1, ALICE);
    assertEquals(PutOutcome.INSERTED, store.put(record));
    assertEquals(PutOutcome.UNCHANGED, store.put(record));
    assertEquals(record, store.get(record.publicKey()).orElseThrow());

    SealedKey resealed = sealed(1, ALICE); // same key, fresh data key: a different record
    SealedKeyConflictException conflict =
        assertThrows(SealedKeyConflictException.class, () -> store.put(resealed));
    assertEquals(record.publicKey(), conflict.publicKey());
    assertEquals(record, store.get(record.publicKey()).orElseThrow(), "refused put changed nothing");

    assertEquals(PutOutcome.REPLACED, store.put(resealed, true));
    assertEquals(resealed, store.get(record.publicKey()).orElseThrow());
    assertEquals(1, store.count());
  }

  @Test
  void listsCountsAndDeletesPerOperator() throws Exception {
    List<SealedKey> alices = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      alices.add(sealed(10 + i, ALICE));
      store.put(alices.get(i));
    }
    store.put(sealed(20, BOB));
    alices.sort(Comparator.comparing(SealedKey::publicKey));

    assertEquals(alices, store.list(ALICE));
    assertEquals(alices.stream().map(SealedKey::publicKey).toList(), store.publicKeys(ALICE));
    assertEquals(5, store.count(ALICE));
    assertEquals(1, store.count(BOB));
    assertEquals(6, store.count());

    BlsPublicKey gone = alices.get(2).publicKey();
    assertTrue(store.delete(gone));
    assertFalse(store.delete(gone));
    assertTrue(store.get(gone).isEmpty());
    assertEquals(4, store.count(ALICE));
    assertEquals(0, store.count(new OperatorId("nobody")));
  }

  @Test
  void insertAllNewSkipsStoredKeys() throws Exception {
    SealedKey existing = sealed(30, ALICE);
    store.put(existing);
    List<SealedKey> batch = new ArrayList<>();
    batch.add(sealed(30, ALICE)); // same public key as stored: skipped, stored one kept
    for (int i = 0; i < 2500; i++) {
      batch.add(sealed(1000 + i, ALICE));
    }
    assertEquals(2500, store.insertAllNew(batch));
    assertEquals(2501, store.count(ALICE));
    assertEquals(existing, store.get(existing.publicKey()).orElseThrow());
  }

  @Test
  void rewrapIsACompareAndSetThatKeepsTheCiphertext() throws Exception {
    SealedKey record = sealed(40, ALICE);
    store.put(record);
    byte[] newWrapped = new byte[] {1, 2, 3};
    assertFalse(store.rewrap(record.publicKey(), "some-other-kek", "new-kek", newWrapped));
    assertTrue(store.rewrap(record.publicKey(), record.kekId(), "new-kek", newWrapped));
    assertFalse(store.rewrap(record.publicKey(), record.kekId(), "new-kek", newWrapped));
    SealedKey after = store.get(record.publicKey()).orElseThrow();
    assertEquals("new-kek", after.kekId());
    assertEquals(record.rewrapped("new-kek", newWrapped), after);
    assertEquals(List.of(), store.publicKeysNotWrappedBy(ALICE, "new-kek"));
    assertEquals(List.of(record.publicKey()), store.publicKeysNotWrappedBy(ALICE, record.kekId()));
  }

  @Test
  void recordsKeksAndOperators() {
    store.registerKek("kek-1", "sealed-file", "kek.sealed");
    store.registerKek("kek-1", "sealed-file", "ignored: already registered");
    KekRecord kekRecord = store.kek("kek-1").orElseThrow();
    assertEquals("sealed-file", kekRecord.provider());
    assertEquals("kek.sealed", kekRecord.descriptor());
    assertTrue(store.kek("absent").isEmpty());

    assertTrue(store.operator(ALICE).isEmpty());
    store.setOperatorKek(ALICE, "kek-1");
    store.setOperatorKek(ALICE, "kek-2");
    assertEquals("kek-2", store.operator(ALICE).orElseThrow().kekId());
  }

  @Test
  void migrationsUseTheirOwnHistoryTableAndAreIdempotent() throws Exception {
    DataSource database = freshDatabase();
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement()) {
      // Another module got there first, with its own tables and Flyway history.
      statement.execute("CREATE TABLE flyway_schema_history (installed_rank INTEGER PRIMARY KEY)");
      statement.execute("CREATE TABLE other_module_table (id INTEGER PRIMARY KEY)");
    }
    SealedKeyStore first = new SealedKeyStore(database, dialect());
    first.put(sealed(50, ALICE));
    SealedKeyStore second = new SealedKeyStore(database, dialect()); // migrating again is a no-op
    assertEquals(1, second.count());
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT version FROM " + SealedKeyStore.HISTORY_TABLE
                    + " WHERE success = " + (dialect() == Dialect.SQLITE ? "1" : "true")
                    + " ORDER BY installed_rank")) {
      List<String> versions = new ArrayList<>();
      while (rows.next()) {
        versions.add(rows.getString(1));
      }
      assertEquals(List.of("0", "1", "2"), versions); // baseline, BLS keys, EVM keys
    }
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM flyway_schema_history")) {
      rows.next();
      assertEquals(0, rows.getInt(1), "the other module's history is untouched");
    }
  }
}
