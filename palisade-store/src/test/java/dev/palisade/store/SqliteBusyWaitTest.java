package dev.palisade.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A connection waiting for SQLite's write lock: gets it once it is free, gives up after its timeout. */
class SqliteBusyWaitTest {
  @TempDir Path temp;

  @Test
  void aWriterGetsTheLockWhenTheOtherCommits() throws Exception {
    try (Database database = Database.open(DatabaseConfig.sqlite(temp.resolve("data")));
        Connection holder = database.dataSource().getConnection();
        Connection waiter = database.dataSource().getConnection()) {
      exec(holder, "create table t (x integer)");
      exec(holder, "begin immediate");
      CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
        try {
          TimeUnit.MILLISECONDS.sleep(150);
          exec(holder, "commit");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      long t0 = System.nanoTime();
      exec(waiter, "begin immediate"); // the node's connections wait (its busy timeout is seconds)
      long waited = System.nanoTime() - t0;
      exec(waiter, "insert into t values (1)");
      exec(waiter, "commit");
      release.get();
      assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(100), "it waited for the holder: " + waited / 1e6 + " ms");
    }
  }

  @Test
  void aWriterGivesUpWithSqliteBusyAfterItsTimeout() throws Exception {
    try (Database database = Database.open(DatabaseConfig.sqlite(temp.resolve("data")));
        Connection holder = database.dataSource().getConnection();
        Connection waiter = database.dataSource().getConnection()) {
      SqliteBusyWait.install(waiter, Duration.ofMillis(200));
      exec(holder, "begin immediate");
      long t0 = System.nanoTime();
      SQLException busy = assertThrows(SQLException.class, () -> exec(waiter, "begin immediate"));
      long waited = System.nanoTime() - t0;
      assertTrue(busy.getMessage().contains("SQLITE_BUSY"), busy.getMessage());
      assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(200), "it waited its timeout: " + waited / 1e6 + " ms");
      exec(holder, "rollback");
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
