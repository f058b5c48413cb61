package dev.palisade.slashing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.store.Database;
import dev.palisade.store.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A writer's session plans its check statements once, lives a second, and leaves nothing behind in the pool. */
class PostgresWriterSessionsTest {
  private String url;
  private Database database;
  private PostgresWriterSessions sessions;

  @BeforeEach
  void openPoolOfOne() {
    url = SharedPostgres.newDatabase();
    DatabaseConfig config = new DatabaseConfig(null, Optional.of(url), "postgres", null,
        DatabaseConfig.SQLITE_FILE_NAME, DatabaseConfig.ID_FILE_NAME, 1, Duration.ofSeconds(2), Duration.ofSeconds(5),
        Duration.ofSeconds(5), DatabaseConfig.IdentityMode.STRICT);
    database = Database.open(config);
    sessions = new PostgresWriterSessions(database, new Counters());
  }

  @AfterEach
  void close() throws Exception {
    sessions.stop();
    database.close();
  }

  @Test
  void checkStatementsArePreparedAndPlannedOncePerSession() throws Exception {
    Connection c = sessions.acquire();
    assertEquals("force_generic_plan", setting(c));
    for (int i = 0; i < 3; i++) {
      try (PreparedStatement ps = sessions.prepareCheck(c.prepareStatement("SELECT ?::bigint + 1"), c)) {
        ps.setLong(1, i);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertEquals(i + 1, rs.getLong(1));
        }
      }
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::bigint%'")) {
      assertTrue(rs.next(), "the check statement is prepared on the server");
      assertEquals(3, rs.getLong("generic_plans"));
      assertEquals(0, rs.getLong("custom_plans"));
    }
    sessions.release(c, false);
    assertSame(c, sessions.acquire(), "the writer keeps its session between batches");
  }

  @Test
  void anIdleSessionGoesBackToThePoolAndTheNextStartsAnew() throws Exception {
    Connection first = sessions.acquire();
    sessions.release(first, false);
    Thread.sleep(TimeUnit.NANOSECONDS.toMillis(PostgresWriterSessions.IDLE_NANOS) + 100);
    Connection second = sessions.acquire();
    assertNotSame(first, second, "a new session from the pool");
    assertTrue(first.isClosed(), "the idle session went back to the pool");
    assertEquals("force_generic_plan", setting(second));
  }

  @Test
  void aBusySessionPlansAgainOnceItsPlansAreASecondOld() throws Exception {
    Connection c = sessions.acquire();
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE history (validator BIGINT, target BIGINT) WITH (autovacuum_enabled = false)");
      s.execute("CREATE INDEX history_by_validator ON history (validator, target)");
      s.execute("ANALYZE history");
    }
    assertEquals(0, sequentialReads(c, 3), "planned while empty"); // generic plan: a sequential scan
    try (Statement s = c.createStatement()) {
      s.execute("INSERT INTO history SELECT g % 1000, g FROM generate_series(1, 100000) g"); // no ANALYZE
    }
    sessions.release(c, false);
    assertTrue(sequentialReads(c, 3) >= 300_000, "the plan made while the table was empty reads it whole");
    long until = System.nanoTime() + PostgresWriterSessions.PLAN_LIFETIME_NANOS + 100_000_000;
    while (System.nanoTime() < until) { // a writer busy with batches: the session is kept
      assertSame(c, sessions.acquire());
      sessions.release(c, false);
      Thread.sleep(100);
    }
    assertSame(c, sessions.acquire());
    assertEquals(0, sequentialReads(c, 3), "planned again with the table as it is now");
  }

  /** Rows the check-like statement read by sequential scan in {@code runs} runs, counted by this session itself. */
  private long sequentialReads(Connection c, int runs) throws SQLException {
    c.setAutoCommit(false);
    try {
      for (int i = 0; i < runs; i++) {
        try (PreparedStatement ps =
            sessions.prepareCheck(c.prepareStatement("SELECT 1 FROM history WHERE validator = ? AND target = ?"), c)) {
          ps.setLong(1, 7);
          ps.setLong(2, 7007);
          ps.executeQuery().close();
        }
      }
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(
              "SELECT coalesce(seq_tup_read, 0) FROM pg_stat_xact_user_tables WHERE relname = 'history'")) {
        rs.next();
        return rs.getLong(1);
      }
    } finally {
      c.rollback();
      c.setAutoCommit(true);
    }
  }

  @Test
  void aFailedSessionGoesBackToThePoolWithoutItsPlanSetting() throws Exception {
    Connection c = sessions.acquire();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.executeQuery("SELECT 1").close();
    }
    sessions.release(c, true);
    try (Connection other = database.dataSource().getConnection()) { // the pool's only connection
      assertEquals("auto", setting(other));
      assertTrue(other.getAutoCommit());
    }
  }

  @Test
  void aSessionWhoseConnectionDiedNeverReachesAnotherBorrower() throws Exception {
    Connection c = sessions.acquire();
    int pid = backend(c);
    try (Connection admin = DriverManager.getConnection(url, "postgres", null);
        Statement s = admin.createStatement()) {
      s.execute("SELECT pg_terminate_backend(" + pid + ")");
    }
    Thread.sleep(200);
    sessions.release(c, true); // its reset fails: the connection must not go back to the pool
    try (Connection other = database.dataSource().getConnection()) { // at once: the pool checks no idle connection
      assertEquals("auto", setting(other));
    }
  }

  @Test
  void aDiscardedConnectionLeavesThePoolForGood() throws Exception {
    Connection c = database.dataSource().getConnection();
    int pid = backend(c);
    database.discard(c); // what a session does when it cannot reset its setting
    try (Connection other = database.dataSource().getConnection()) { // the pool's only connection
      assertNotEquals(pid, backend(other), "a new connection, not the discarded one");
    }
  }

  @Test
  void aStoppedWriterLeavesNoPlanSettingInThePool() throws Exception {
    sessions.acquire();
    sessions.stop();
    try (Connection other = database.dataSource().getConnection()) {
      assertEquals("auto", setting(other));
    }
  }

  private static int backend(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String setting(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW plan_cache_mode")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
