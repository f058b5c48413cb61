package dev.palisade.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's SQLite connections never checkpoint in a commit; a thread of its own does. */
class SqliteCheckpointsTest {
  private static final int PAGE = 4096;

  @TempDir Path data;

  @Test
  void connectionsDoNotCheckpointInTheirCommitsAndTheThreadCopiesTheLogIntoTheFile() throws Exception {
    try (Database database = Database.open(DatabaseConfig.sqlite(data));
        Connection open = database.dataSource().getConnection()) { // SQLite checkpoints as its last connection closes
      Path file = database.sqliteFile().orElseThrow();
      try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("PRAGMA wal_autocheckpoint")) {
          rs.next();
          assertEquals(0, rs.getInt(1), "a connection that checkpoints stalls its own commit");
        }
        s.execute("create table t (v blob)");
      }
      long before = Files.size(file);
      // 2 MiB in one commit: it lands in the log; only a checkpoint grows the database file
      try (Connection writer = database.dataSource().getConnection()) {
        write(writer, database.writeGate(), 1, 512 * PAGE);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (Files.size(file) < before + 512 * PAGE && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(Files.size(file) >= before + 512 * PAGE,
          "the checkpoint thread copied the log into the file (" + Files.size(file) + " bytes)");
    }
  }

  @Test
  void aLongLogIsStartedOverSoItsFileStaysBoundedUnderSteadyWrites() throws Exception {
    try (Database database = Database.open(DatabaseConfig.sqlite(data));
        Connection open = database.dataSource().getConnection()) { // SQLite checkpoints as its last connection closes
      try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.execute("create table t (v blob)");
      }
      Path wal = Path.of(database.sqliteFile().orElseThrow() + "-wal");
      long restartFrames = 200;
      // a second checkpointer with a small bound, as the node's own (64 MiB) would take minutes here
      try (SqliteCheckpoints small =
              new SqliteCheckpoints(database.dataSource(), database.sqliteFile().orElseThrow(), database.writeGate(),
                  Duration.ofMillis(5), restartFrames);
          Connection writer = database.dataSource().getConnection()) {
        for (int i = 0; i < 2_000; i++) { // back to back, each a few pages: over 20 times the bound
          write(writer, database.writeGate(), 4, 2_000);
        }
      }
      // the file is never shortened: its size is the most frames the log ever held
      long frames = Files.size(wal) / (PAGE + 24);
      // without the step inside the gate the log never starts over and holds all ~3,000+ frames
      assertTrue(frames < 3 * restartFrames, "write-ahead log of " + frames + " frames");
    }
  }

  /** {@code rows} rows of {@code bytes} each, in one transaction through the gate, as the node's writers do. */
  private static void write(Connection c, WriteGate gate, int rows, int bytes) throws SQLException {
    gate.enter();
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      try (PreparedStatement ps = c.prepareStatement("insert into t (v) values (?)")) {
        for (int i = 0; i < rows; i++) {
          ps.setBytes(1, new byte[bytes]);
          ps.executeUpdate();
        }
      }
      s.execute("COMMIT");
    } finally {
      gate.leave();
    }
  }
}
