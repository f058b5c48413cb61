package dev.palisade.slashing;

import dev.palisade.store.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The embedded default: one SQLite file in the data directory (opened by palisade-store's {@link
 * Database}: WAL journal, synchronous=FULL, so a commit survives power loss), every write
 * transaction an explicit BEGIN IMMEDIATE (the write lock is taken
 * up front, so two connections or processes never deadlock upgrading a read lock). Several store
 * instances, even processes, may share the file: the write lock serialises them.
 */
final class SqliteStore extends JdbcStore {
  private final Database database;
  private final AutoCloseable owned;
  private Connection writer; // owned by the single writer thread

  /** On the node's database; closes {@code owned} (may be null) with the store. */
  SqliteStore(Database database, SlashingOptions options, AutoCloseable owned) {
    super(options);
    this.database = database;
    this.owned = owned;
  }

  @Override
  Optional<String> databaseFailure() {
    return database.failure();
  }

  @Override
  String description() {
    return database.describe();
  }

  @Override
  Connection acquireWriter() throws SQLException {
    // The writer connection stays open: a removed or replaced file would go on taking writes on
    // the old inode, so every batch first checks the file is still the one opened (one stat).
    database.ensureUsable();
    if (writer == null) {
      Connection c = database.dataSource().getConnection();
      try (Statement s = c.createStatement()) {
        // this connection's own settings: a writer waits at most a statement timeout for the lock
        s.execute("PRAGMA busy_timeout = " + options.statementTimeout().toMillis());
        s.execute("PRAGMA foreign_keys = ON");
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      writer = c;
    }
    return writer;
  }

  @Override
  void releaseWriter(Connection c, boolean failed) {
    if (failed) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already broken
      }
      writer = null;
    }
  }

  @Override
  Connection openReader() throws SQLException {
    return database.dataSource().getConnection();
  }

  // Explicit BEGIN IMMEDIATE/COMMIT in autocommit mode: sqlite-jdbc's non-autocommit mode would
  // re-open a transaction right after each commit and hold the write lock between batches.
  @Override
  void begin(Connection c) throws SQLException {
    exec(c, "BEGIN IMMEDIATE");
  }

  @Override
  void commit(Connection c) throws SQLException {
    exec(c, "COMMIT");
    counters.commits.incrementAndGet();
  }

  @Override
  void rollback(Connection c) {
    try {
      exec(c, "ROLLBACK");
    } catch (SQLException ignored) {
      // no transaction open, or connection broken: the writer discards it
    }
  }

  private void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      counters.roundTrips.incrementAndGet();
      s.execute(sql);
    }
  }

  /** Read, decide with {@link SlashingRules}, write: in-process calls under the write lock. */
  @Override
  List<Verdict> checkAndRecord(Connection c, List<Check> checks) throws SQLException {
    Verdict[] verdicts = new Verdict[checks.size()];
    begin(c);
    try {
      for (int i : evaluationOrder(checks)) {
        verdicts[i] = evaluateAndRecord(c, checks.get(i));
      }
      commit(c);
    } catch (SQLException | RuntimeException e) {
      rollback(c);
      throw e;
    }
    return Arrays.asList(verdicts);
  }

  @Override
  boolean isRetryable(SQLException e) {
    if (e instanceof SQLiteException se) {
      SQLiteErrorCode code = se.getResultCode();
      return code == SQLiteErrorCode.SQLITE_BUSY
          || code == SQLiteErrorCode.SQLITE_LOCKED
          || code.name().startsWith("SQLITE_BUSY")
          || code.name().startsWith("SQLITE_LOCKED");
    }
    return false;
  }

  @Override
  String nullSafeEquals(String column) {
    return column + " IS ?";
  }

  @Override
  String forUpdate() {
    return ""; // BEGIN IMMEDIATE already holds the database write lock
  }

  @Override
  void writerStopped() {
    if (writer != null) {
      releaseWriter(writer, true);
    }
  }

  @Override
  public void close() {
    // the writer thread releases (closes) its connection when it stops
    closeOwned(owned);
  }
}
