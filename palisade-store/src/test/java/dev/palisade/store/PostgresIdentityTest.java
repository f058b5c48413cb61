package dev.palisade.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL: a URL that points at another database is refused at start and noticed while running. */
class PostgresIdentityTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;
  @TempDir Path temp;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  private static String newDatabase() throws SQLException {
    String name = "identity_" + DATABASES.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return postgres.getJdbcUrl("postgres", name);
  }

  private static DatabaseConfig config(Path data, String url) {
    return DatabaseConfig.postgres(data, url, "postgres", "postgres");
  }

  @Test
  void anotherDatabaseBehindTheUrlIsRefused() throws Exception {
    String first = newDatabase();
    String second = newDatabase();
    Path data = temp.resolve("node");
    String id;
    try (Database database = Database.open(config(data, first))) {
      id = database.id();
    }
    // the URL now reaches an empty database (a mis-pointed URL, a fresh server)
    DatabaseIdentityException empty =
        assertThrows(DatabaseIdentityException.class, () -> Database.open(config(data, second)));
    assertTrue(empty.getMessage().contains("is empty") && empty.getMessage().contains(id), empty.getMessage());
    assertTrue(empty.getMessage().contains(second.replaceAll("\\?.*", "")), empty.getMessage());

    // ... or another node's database
    try (Database other = Database.open(config(temp.resolve("other"), second))) {
      DatabaseIdentityException e =
          assertThrows(DatabaseIdentityException.class, () -> Database.open(config(data, second)));
      assertTrue(e.getMessage().contains(other.id()) && e.getMessage().contains(id), e.getMessage());
    }
  }

  @Test
  void aNewNodeOnASharedDatabaseAdoptsItsId() throws Exception {
    String url = newDatabase();
    try (Database first = Database.open(config(temp.resolve("a"), url));
        Database second = Database.open(config(temp.resolve("b"), url))) {
      assertEquals(first.id(), second.id());
    }
  }

  @Test
  void aDatabaseWhoseIdChangesWhileRunningFailsClosed() throws Exception {
    String url = newDatabase();
    try (Database database = Database.open(config(temp.resolve("a"), url))) {
      assertFalse(database.failure().isPresent());
      try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.execute("UPDATE palisade_database SET id = 'ffffffffffffffffffffffffffffffff'");
      }
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < deadline) {
        try {
          database.dataSource().getConnection().close();
          Thread.sleep(50);
        } catch (SQLException e) {
          assertEquals(Database.REPLACED_STATE, e.getSQLState());
          assertTrue(e.getMessage().contains("ffffffffffffffffffffffffffffffff"), e.getMessage());
          return;
        }
      }
      throw new AssertionError("the periodic check did not notice the other database");
    }
  }

  @Test
  void aWrongPasswordIsNotInTheMessage() {
    String secret = "not-the-password-" + System.nanoTime();
    DatabaseConfig config =
        DatabaseConfig.postgres(temp, postgres.getJdbcUrl("nobody", "postgres"), "nobody", secret);
    DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class, () -> Database.open(config));
    assertFalse(e.getMessage().contains(secret), e.getMessage());
    assertFalse(config.toString().contains(secret));
  }
}
