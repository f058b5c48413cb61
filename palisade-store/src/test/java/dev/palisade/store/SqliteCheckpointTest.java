package dev.palisade.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite's WAL is checkpointed by the database's own thread, not inside the commits of the node's writers. */
class SqliteCheckpointTest {
  @TempDir Path temp;

  @Test
  void commitsNeverCheckpointAndTheCheckpointThreadMovesTheWalIntoTheFile() throws Exception {
    Path data = temp.resolve("data");
    try (Database database = Database.open(DatabaseConfig.sqlite(data))) {
      Path file = database.sqliteFile().orElseThrow();
      try (Connection c = database.dataSource().getConnection()) {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("pragma wal_autocheckpoint")) {
          assertTrue(r.next());
          assertEquals(0, r.getInt(1), "a writer's commit must not run the checkpoint");
        }
        try (Statement s = c.createStatement()) {
          s.execute("create table filler (id integer primary key, payload blob not null)");
        }
        c.setAutoCommit(false);
        try (PreparedStatement insert = c.prepareStatement("insert into filler (payload) values (?)")) {
          for (int i = 0; i < 4_000; i++) {
            insert.setBytes(1, new byte[1024]);
            insert.executeUpdate();
            if (i % 500 == 499) {
              c.commit();
            }
          }
        }
        c.commit();
      }
      // ~4 MB went to the WAL; the checkpoint thread copies it into the database file within moments
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (Files.size(file) < 4_000_000 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(Files.size(file) >= 4_000_000, "database file holds the checkpointed rows: " + Files.size(file));
    }
  }
}
