package dev.palisade.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteOpenMode;

/**
 * A node's one database: the only place that decides SQLite or PostgreSQL and builds the data
 * source, shared by slashing history, identities, audit log and sealed keys. Opening checks the
 * database's identity (see {@link DatabaseIdentity}); while open, a database that is removed,
 * replaced or re-pointed makes every new connection fail ({@link #ensureUsable()}).
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  /** SQLState of the failure when the database is no longer the one opened: never retried. */
  public static final String REPLACED_STATE = "PALDB";
  private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(100);
  /**
   * 256 MiB of 4 KiB pages. Each restart copies the log's tail inside the write gate after a run of back-to-back
   * checkpoints whose fsyncs slow the writer's commits beside them: at 16,384 frames that came every ~2 s at half
   * load and made 10-21 % of the requests around it slower than 5 ms (3-7 % elsewhere), 0.7-1.6 % of all requests.
   */
  private static final long RESTART_LOG_FRAMES = 65_536;

  private final DatabaseConfig config;
  private final DataSource raw;
  private final DatabaseGuard guard;
  private final GuardedDataSource dataSource;
  private final AutoCloseable pool;
  private final WriteGate writeGate;
  private final SqliteCheckpoints checkpoints; // null on PostgreSQL
  private final Set<String> migrated = new LinkedHashSet<>();
  private volatile DatabaseIdentity.Decision pending;
  private volatile String id;

  private Database(DatabaseConfig config, DataSource raw, AutoCloseable pool, DatabaseGuard guard) {
    this.config = config;
    this.raw = raw;
    this.pool = pool;
    this.guard = guard;
    this.dataSource = new GuardedDataSource(raw, guard);
    this.writeGate = config.dialect() == Dialect.SQLITE ? WriteGate.oneAtATime() : WriteGate.none();
    this.checkpoints =
        config.dialect() == Dialect.SQLITE
            ? new SqliteCheckpoints(dataSource, config.sqliteFile(), writeGate, CHECKPOINT_INTERVAL, RESTART_LOG_FRAMES)
            : null;
  }

  /**
   * Opens (on an explicit first start: creates) the database and checks its identity.
   *
   * @throws DatabaseIdentityException if it is not the database this data directory used before
   * @throws DatabaseUnavailableException if it cannot be reached or created
   */
  public static Database open(DatabaseConfig config) {
    try {
      if (config.dataPath() != null) {
        SecureFiles.privateDirectory(config.dataPath());
      }
    } catch (IOException e) {
      throw new DatabaseUnavailableException("cannot create the data path " + config.dataPath() + ": " + e.getMessage(), e);
    }
    Database database = config.dialect() == Dialect.SQLITE ? openSqlite(config) : openPostgres(config);
    try {
      DatabaseIdentity.Decision decision = DatabaseIdentity.decide(database.raw, config.dialect(), config);
      if (config.identity() == DatabaseConfig.IdentityMode.ACCEPT_NEW_ON_CONFIRM && decision.writeRow()) {
        database.pending = decision; // written by confirmIdentity(), after the caller's work
        database.id = decision.id();
      } else {
        database.id = DatabaseIdentity.apply(database.raw, config, decision);
        database.guard.start(database.raw, database.id);
      }
      LOG.info("database {} ({})", database.id, config.describe());
      return database;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  private static Database openSqlite(DatabaseConfig config) {
    Path file = config.sqliteFile();
    try {
      if (!Files.exists(file)) {
        Optional<String> expected = DatabaseIdentity.remembered(config.idFile());
        if (expected.isPresent() && config.identity() == DatabaseConfig.IdentityMode.STRICT) {
          throw DatabaseIdentity.refusal(config, expected.get(), "does not exist");
        }
      }
      // 0600 before SQLite opens it; SQLite gives -wal and -shm the main file's permissions.
      SecureFiles.createPrivateFile(file);
      SecureFiles.tighten(Path.of(file + "-wal"), SecureFiles.FILE);
      SecureFiles.tighten(Path.of(file + "-shm"), SecureFiles.FILE);
      SQLiteConfig sqlite = new SQLiteConfig();
      // Never create: a file removed under a running node must stay missing (fail closed).
      sqlite.resetOpenMode(SQLiteOpenMode.CREATE);
      sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
      sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL); // a commit survives power loss
      // nothing reads generated keys; on, the driver regex-matches the SQL of every update
      sqlite.setGetGeneratedKeys(false);
      // no connection checkpoints inside its commits: SqliteCheckpoints does, off the writers' path
      sqlite.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, "0");
      // DEFERRED: identity reads must not queue behind signing writes; the slashing writer sends
      // BEGIN IMMEDIATE itself.
      sqlite.setBusyTimeout((int) config.busyTimeout().toMillis());
      SQLiteDataSource source = new SQLiteDataSource(sqlite);
      source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
      return new Database(config, source, () -> {}, new DatabaseGuard(config.describe(), file));
    } catch (IOException e) {
      throw new DatabaseUnavailableException("cannot create " + file + ": " + e.getMessage(), e);
    }
  }

  private static Database openPostgres(DatabaseConfig config) {
    long connectMillis = Math.max(250, config.connectionTimeout().toMillis());
    long connectSeconds = Math.max(1, config.connectionTimeout().toSeconds());
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("palisade-db");
    hikari.setJdbcUrl(config.url().orElseThrow());
    hikari.setUsername(config.username());
    hikari.setPassword(config.password());
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(connectMillis);
    hikari.setValidationTimeout(Math.max(250, Math.min(1000, connectMillis)));
    hikari.setInitializationFailTimeout(connectMillis);
    hikari.addDataSourceProperty("connectTimeout", String.valueOf(connectSeconds));
    hikari.addDataSourceProperty("loginTimeout", String.valueOf(connectSeconds));
    // A dead or partitioned server must not hang a writer: reads time out (fail closed).
    hikari.addDataSourceProperty("socketTimeout", String.valueOf(Math.max(1, config.socketTimeout().toSeconds())));
    hikari.addDataSourceProperty("tcpKeepAlive", "true");
    hikari.addDataSourceProperty("ApplicationName", "palisade");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      // pgjdbc's messages name host and user, never the password
      throw new DatabaseUnavailableException("cannot connect to " + config.describe() + ": " + rootMessage(e), e);
    }
    try {
      return new Database(config, pool, pool, new DatabaseGuard(config.describe(), null));
    } catch (IOException e) {
      pool.close();
      throw new DatabaseUnavailableException(e.getMessage(), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  /** Runs each module's migrations once on this database (see {@link Migrations}). */
  public synchronized Database migrate(MigrationSet... sets) {
    for (MigrationSet set : sets) {
      if (migrated.add(set.historyTable())) {
        Migrations.run(dataSource, dialect(), set);
      }
    }
    return this;
  }

  /**
   * With {@link DatabaseConfig.IdentityMode#ACCEPT_NEW_ON_CONFIRM}: gives a new database its id
   * and makes the data directory remember it. Does nothing otherwise.
   */
  public void confirmIdentity() {
    DatabaseIdentity.Decision decision = pending;
    if (decision != null) {
      id = DatabaseIdentity.apply(raw, config, decision);
      pending = null;
      guard.start(raw, id);
    }
  }

  /** Connections fail (SQLState {@value #REPLACED_STATE}) once the database was replaced. */
  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Closes a borrowed connection for good instead of returning it to the pool (do not close it as well): its
   * session state could not be put back, a setting that must not reach another borrower.
   */
  public void discard(Connection c) throws SQLException {
    if (pool instanceof HikariDataSource hikari) {
      try {
        hikari.evictConnection(c);
        return;
      } catch (ClassCastException notThePoolsOwn) {
        // not a connection this pool lent
      }
    }
    c.close();
  }

  /** This process's writers take turns through it (SQLite); open on PostgreSQL. */
  public WriteGate writeGate() {
    return writeGate;
  }

  public Dialect dialect() {
    return config.dialect();
  }

  public DatabaseConfig config() {
    return config;
  }

  /** The database's id (128 random bits, hex). */
  public String id() {
    return id;
  }

  /** The URL or file, without credentials. */
  public String describe() {
    return config.describe();
  }

  /** The SQLite file, or empty for PostgreSQL. */
  public Optional<Path> sqliteFile() {
    return dialect() == Dialect.SQLITE ? Optional.of(config.sqliteFile()) : Optional.empty();
  }

  /**
   * Throws if the database was removed, replaced or re-pointed since it was opened. Cheap: call it
   * before each use of a connection held open (SQLite: one stat).
   */
  public void ensureUsable() throws SQLException {
    guard.ensureUsable();
  }

  /**
   * Why the database may no longer be used; empty while it is the one opened. Cheap enough for
   * every health probe: SQLite's file is checked now (one stat), the id by the periodic check.
   */
  public Optional<String> failure() {
    try {
      guard.ensureUsable();
    } catch (SQLException e) {
      // the reason is kept by the guard
    }
    return guard.failure();
  }

  @Override
  public void close() {
    if (checkpoints != null) {
      checkpoints.close();
    }
    guard.close();
    try {
      pool.close();
    } catch (Exception e) {
      LOG.debug("closing the database pool: {}", e.toString());
    }
  }
}
