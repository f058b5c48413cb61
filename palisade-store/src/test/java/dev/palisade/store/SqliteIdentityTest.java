package dev.palisade.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite database's identity at start, its files' permissions, and fail-closed while running. */
class SqliteIdentityTest {
  @TempDir Path temp;

  private static String permissions(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static void write(Database database) throws SQLException {
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)");
      s.execute("INSERT INTO t VALUES (1)");
    }
  }

  @Test
  void firstStartCreatesTheDatabasePrivateAndRemembersItsId() throws Exception {
    Path data = temp.resolve("a/data");
    String id;
    try (Database database = Database.open(DatabaseConfig.sqlite(data));
        Connection open = database.dataSource().getConnection()) { // -wal and -shm live while a connection does
      write(database);
      id = database.id();
      assertTrue(id.matches("[0-9a-f]{32}"), id);
      assertEquals(id, Files.readString(data.resolve("database-id")).trim());
      assertEquals("rwx------", permissions(data));
      for (String name : new String[] {"slashing-protection.sqlite", "slashing-protection.sqlite-wal",
          "slashing-protection.sqlite-shm", "database-id"}) {
        assertEquals("rw-------", permissions(data.resolve(name)), name);
      }
    }
    try (Database again = Database.open(DatabaseConfig.sqlite(data))) {
      assertEquals(id, again.id());
    }
  }

  @Test
  void looserPermissionsAreTightened() throws Exception {
    Path data = temp.resolve("data");
    try (Database database = Database.open(DatabaseConfig.sqlite(data))) {
      write(database);
    }
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(data.resolve("slashing-protection.sqlite"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(data.resolve("database-id"), PosixFilePermissions.fromString("rw-r--r--"));
    try (Database database = Database.open(DatabaseConfig.sqlite(data))) {
      assertEquals("rwx------", permissions(data));
      assertEquals("rw-------", permissions(data.resolve("slashing-protection.sqlite")));
      assertEquals("rw-------", permissions(data.resolve("database-id")));
    }
  }

  @Test
  void aMissingDatabaseInAUsedDataDirectoryIsRefusedAndNotCreated() throws Exception {
    Path data = temp.resolve("data");
    String id;
    try (Database database = Database.open(DatabaseConfig.sqlite(data))) {
      id = database.id();
    }
    Path file = data.resolve("slashing-protection.sqlite");
    deleteDatabase(file);
    DatabaseIdentityException e =
        assertThrows(DatabaseIdentityException.class, () -> Database.open(DatabaseConfig.sqlite(data)));
    assertTrue(e.getMessage().contains(id), e.getMessage());
    assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertTrue(e.getMessage().contains("--db-accept-new-database"), e.getMessage());
    assertTrue(e.getMessage().contains("slashing import"), e.getMessage());
    assertFalse(Files.exists(file), "the refused start must not create the file");
  }

  @Test
  void anEmptyDatabaseInAUsedDataDirectoryIsRefusedUnlessAccepted() throws Exception {
    Path data = temp.resolve("data");
    String old;
    try (Database database = Database.open(DatabaseConfig.sqlite(data))) {
      old = database.id();
    }
    Path file = data.resolve("slashing-protection.sqlite");
    deleteDatabase(file);
    Files.createFile(file); // an empty file, as a restore gone wrong leaves it
    DatabaseIdentityException e =
        assertThrows(DatabaseIdentityException.class, () -> Database.open(DatabaseConfig.sqlite(data)));
    assertTrue(e.getMessage().contains("is empty"), e.getMessage());
    assertTrue(e.getMessage().contains(old), e.getMessage());

    DatabaseConfig accept = DatabaseConfig.sqlite(data).withIdentity(DatabaseConfig.IdentityMode.ACCEPT_NEW);
    try (Database database = Database.open(accept)) {
      assertNotEquals(old, database.id());
      assertEquals(database.id(), Files.readString(data.resolve("database-id")).trim());
    }
  }

  @Test
  void anotherDatabaseIsRefusedNamingBothIds() throws Exception {
    Path a = temp.resolve("a");
    Path b = temp.resolve("b");
    String idA;
    String idB;
    try (Database database = Database.open(DatabaseConfig.sqlite(a))) {
      idA = database.id();
    }
    try (Database database = Database.open(DatabaseConfig.sqlite(b))) {
      idB = database.id();
    }
    deleteDatabase(a.resolve("slashing-protection.sqlite"));
    Files.copy(b.resolve("slashing-protection.sqlite"), a.resolve("slashing-protection.sqlite"));
    DatabaseIdentityException e =
        assertThrows(DatabaseIdentityException.class, () -> Database.open(DatabaseConfig.sqlite(a)));
    assertTrue(e.getMessage().contains(idA) && e.getMessage().contains(idB), e.getMessage());
  }

  @Test
  void aDatabaseOfAnEarlierReleaseGetsAnIdOnce() throws Exception {
    Path data = Files.createDirectories(temp.resolve("data"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("slashing-protection.sqlite"));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE validators (id INTEGER PRIMARY KEY)");
    }
    String id;
    try (Database database = Database.open(DatabaseConfig.sqlite(data))) {
      id = database.id();
    }
    try (Database database = Database.open(DatabaseConfig.sqlite(data))) {
      assertEquals(id, database.id());
    }
  }

  @Test
  void aRemovedFileFailsClosedAndIsNeverRecreated() throws Exception {
    Path data = temp.resolve("data");
    Path file = data.resolve("slashing-protection.sqlite");
    try (Database database = Database.open(DatabaseConfig.sqlite(data))) {
      write(database);
      deleteDatabase(file);
      SQLException e = assertThrows(SQLException.class, () -> database.dataSource().getConnection());
      assertEquals(Database.REPLACED_STATE, e.getSQLState());
      assertTrue(e.getMessage().contains("removed"), e.getMessage());
      assertTrue(database.failure().isPresent());
      Thread.sleep(2 * DatabaseGuard.INTERVAL_MILLIS);
      assertFalse(Files.exists(file), "nothing may re-create the database file");
    }
  }

  @Test
  void aReplacedFileFailsClosed() throws Exception {
    Path data = temp.resolve("data");
    Path file = data.resolve("slashing-protection.sqlite");
    try (Database database = Database.open(DatabaseConfig.sqlite(data))) {
      write(database);
      Path copy = temp.resolve("copy.sqlite");
      Files.copy(file, copy);
      Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING); // same content and id, another inode
      assertThrows(SQLException.class, database::ensureUsable);
      assertTrue(database.failure().orElseThrow().contains("replaced"));
    }
  }

  private static void deleteDatabase(Path file) throws Exception {
    Files.deleteIfExists(file);
    Files.deleteIfExists(Path.of(file + "-wal"));
    Files.deleteIfExists(Path.of(file + "-shm"));
  }
}
