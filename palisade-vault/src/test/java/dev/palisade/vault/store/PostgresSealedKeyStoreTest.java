package dev.palisade.vault.store;

import dev.palisade.store.Dialect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.vault.TestKeys;
import dev.palisade.vault.keys.KeySealer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same contract on a real PostgreSQL server (embedded binaries), one database per test. */
class PostgresSealedKeyStoreTest extends SealedKeyStoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  @TempDir static Path pgData;
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(pgData.resolve("data"))
            .setCleanDataDirectory(true)
            .start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @Override
  DataSource freshDatabase() throws Exception {
    String name = "vault_test_" + DATABASES.incrementAndGet();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    return postgres.getDatabase("postgres", name);
  }

  @Override
  Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Test
  void databaseFilesHoldNoClearKey() throws Exception {
    List<BlsSecretKey> keys = TestKeys.random(77, 20);
    for (BlsSecretKey key : keys) {
      store.put(KeySealer.seal(key, ALICE, kek));
    }
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CHECKPOINT"); // flush the heap pages and WAL to the data directory
    }
    List<byte[]> secrets = keys.stream().map(TestKeys::secretOf).toList();
    assertEquals(List.of(), TestKeys.filesContainingAny(pgData, secrets));
    // The scan can find what is there: public keys are stored in clear in the same files.
    assertFalse(TestKeys.filesContaining(pgData, keys.get(0).publicKey().toArray()).isEmpty());
    keys.forEach(BlsSecretKey::close);
  }
}
