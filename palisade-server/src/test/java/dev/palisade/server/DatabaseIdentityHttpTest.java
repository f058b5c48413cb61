package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import dev.palisade.store.DatabaseIdentityException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slashing history cannot silently vanish: a SQLite file removed or replaced under a running
 * node, a restart on an empty database, a PostgreSQL URL that reaches another database.
 */
class DatabaseIdentityHttpTest {
  private static final String FILE = "slashing-protection.sqlite";
  @TempDir Path temp;

  private static PalisadeNode startWithKey(NodeConfig config) {
    PalisadeNode node = PalisadeNode.start(config);
    node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
    return node;
  }

  private static String root() {
    return "0x" + "00".repeat(32);
  }

  @Test
  void aRemovedDatabaseFileMeans503AndHealthDownAndIsNotRecreated() throws Exception {
    Path data = temp.resolve("data");
    try (PalisadeNode node = startWithKey(TestNodes.sqlite(Networks.named("mainnet"), data))) {
      HttpTestClient client = new HttpTestClient(node.port());
      assertEquals(200, client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, root()), null).statusCode());
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        Files.deleteIfExists(data.resolve(FILE + suffix));
      }
      assertRefusesToSign(client);
      assertFalse(Files.exists(data.resolve(FILE)), "the database file was re-created");
    }
  }

  @Test
  void aReplacedDatabaseFileMeans503AndHealthDown() throws Exception {
    Path data = temp.resolve("data");
    Path other = temp.resolve("other");
    try (PalisadeNode empty = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), other))) {
      assertTrue(empty.port() > 0);
    }
    try (PalisadeNode node = startWithKey(TestNodes.sqlite(Networks.named("mainnet"), data))) {
      HttpTestClient client = new HttpTestClient(node.port());
      assertEquals(200, client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, root()), null).statusCode());
      // another database with no history for the key, moved into place
      Files.move(other.resolve(FILE), data.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
      Files.deleteIfExists(data.resolve(FILE + "-wal"));
      assertRefusesToSign(client);
    }
  }

  private static void assertRefusesToSign(HttpTestClient client) throws Exception {
    for (int epoch = 3; epoch < 6; epoch++) {
      HttpResponse<String> response =
          client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(epoch - 1, epoch, root()), "application/json");
      assertEquals(503, response.statusCode(), response.body());
      assertFalse(response.body().contains("signature"), response.body());
    }
    Thread.sleep(600); // past the health cache
    HttpResponse<String> health = client.get("/healthcheck");
    assertEquals(503, health.statusCode(), health.body());
    assertTrue(health.body().contains("DOWN"), health.body());
  }

  @Test
  void aFreshDataPathAndItsFilesArePrivate() throws Exception {
    Path data = temp.resolve("data");
    try (PalisadeNode node = startWithKey(TestNodes.sqlite(Networks.named("mainnet"), data))) {
      assertEquals(200, new HttpTestClient(node.port())
          .sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, root()), null).statusCode());
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
      for (String name : new String[] {FILE, FILE + "-wal", FILE + "-shm", "database-id"}) {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(name))), name);
      }
    }
  }

  @Test
  void aRestartOnAnEmptyDatabaseInAUsedDataPathIsRefused() throws Exception {
    Path data = temp.resolve("data");
    try (PalisadeNode node = startWithKey(TestNodes.sqlite(Networks.named("mainnet"), data))) {
      assertEquals(200, new HttpTestClient(node.port())
          .sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, root()), null).statusCode());
    }
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Files.deleteIfExists(data.resolve(FILE + suffix));
    }
    DatabaseIdentityException e =
        assertThrows(DatabaseIdentityException.class, () -> PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), data)));
    assertTrue(e.getMessage().contains(Files.readString(data.resolve("database-id")).trim()), e.getMessage());
    assertFalse(Files.exists(data.resolve(FILE)));
  }

  @Test
  void aPostgresUrlReachingAnotherDatabaseIsRefused() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE first_db");
        s.execute("CREATE DATABASE second_db");
      }
      Path data = temp.resolve("data");
      String first = postgres.getJdbcUrl("postgres", "first_db");
      String second = postgres.getJdbcUrl("postgres", "second_db");
      try (PalisadeNode node =
          startWithKey(TestNodes.postgres(Networks.named("mainnet"), data, first, "postgres", "postgres"))) {
        assertEquals(200, new HttpTestClient(node.port())
            .sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, root()), null).statusCode());
      }
      DatabaseIdentityException e =
          assertThrows(
              DatabaseIdentityException.class,
              () -> PalisadeNode.start(TestNodes.postgres(Networks.named("mainnet"), data, second, "postgres", "postgres")));
      assertTrue(e.getMessage().contains("second_db") && e.getMessage().contains("is empty"), e.getMessage());
    }
  }
}
