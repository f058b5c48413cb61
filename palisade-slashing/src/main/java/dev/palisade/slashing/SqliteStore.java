package dev.palisade.slashing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The embedded default: one SQLite file in the data directory, WAL journal, synchronous=FULL (a
 * commit survives power loss), every write transaction BEGIN IMMEDIATE (the write lock is taken
 * up front, so two connections or processes never deadlock upgrading a read lock). Several store
 * instances, even processes, may share the file: the write lock serialises them.
 */
final class SqliteStore extends JdbcStore {
  static final String FILE_NAME = "slashing-protection.sqlite";

  private final SQLiteDataSource dataSource;
  private final Path file;
  private Connection writer; // owned by the single writer thread

  SqliteStore(Path dataDirectory, SlashingOptions options) {
    super(options);
    try {
      Files.createDirectories(dataDirectory);
    } catch (java.io.IOException e) {
      throw new SlashingStoreUnavailableException("cannot create " + dataDirectory, e);
    }
    this.file = dataDirectory.resolve(FILE_NAME);
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    config.setBusyTimeout((int) options.statementTimeout().toMillis());
    config.enforceForeignKeys(true);
    dataSource = new SQLiteDataSource(config);
    dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration/sqlite")
        // other modules (identities, sealed keys) may have created their tables first: start at 0
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }

  @Override
  String description() {
    return "SQLite " + file;
  }

  @Override
  Connection acquireWriter() throws SQLException {
    if (writer == null) {
      writer = dataSource.getConnection();
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
    return dataSource.getConnection();
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
  List<Verdict> checkAndRecord(Connection c, List<Check> checks, BeforeCommit beforeCommit)
      throws SQLException {
    Verdict[] verdicts = new Verdict[checks.size()];
    begin(c);
    try {
      for (int i : evaluationOrder(checks)) {
        verdicts[i] = evaluateAndRecord(c, checks.get(i));
      }
      if (beforeCommit != null) {
        beforeCommit.run(c, Arrays.asList(verdicts)); // BEGIN IMMEDIATE: holds the write lock
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
  }
}
