package dev.palisade.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.palisade.auth.Dialect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The database that identities, the audit log (and later sealed keys) share with the slashing
 * history: the same SQLite file in the data path, or the same PostgreSQL database, so the audit
 * row of a slashing decision can commit in the slashing transaction.
 */
public final class Database implements AutoCloseable {
  /** Shared with palisade-slashing's SQLite store, which opens the same file. */
  public static final String SQLITE_FILE_NAME = "slashing-protection.sqlite";

  private final DataSource dataSource;
  private final Dialect dialect;
  private final AutoCloseable closer;

  private Database(DataSource dataSource, Dialect dialect, AutoCloseable closer) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.closer = closer;
  }

  public static Database open(NodeConfig.SlashingConfig config, Path dataPath) {
    if (config.postgresUrl().isPresent()) {
      HikariConfig hikari = new HikariConfig();
      hikari.setJdbcUrl(config.postgresUrl().get());
      hikari.setUsername(config.username());
      hikari.setPassword(config.password());
      hikari.setMaximumPoolSize(4);
      hikari.setPoolName("palisade-auth");
      hikari.setConnectionTimeout(2_000);
      hikari.setInitializationFailTimeout(-1);
      hikari.addDataSourceProperty("connectTimeout", "2");
      hikari.addDataSourceProperty("socketTimeout", "5");
      HikariDataSource dataSource = new HikariDataSource(hikari);
      return new Database(dataSource, Dialect.POSTGRESQL, dataSource);
    }
    try {
      Files.createDirectories(dataPath);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create data path " + dataPath + ": " + e.getMessage(), e);
    }
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    // DEFERRED, unlike the slashing store: identity reads must not queue behind signing writes
    sqlite.setBusyTimeout(5_000);
    SQLiteDataSource dataSource = new SQLiteDataSource(sqlite);
    dataSource.setUrl("jdbc:sqlite:" + dataPath.resolve(SQLITE_FILE_NAME).toAbsolutePath());
    return new Database(dataSource, Dialect.SQLITE, () -> {});
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public Dialect dialect() {
    return dialect;
  }

  @Override
  public void close() {
    try {
      closer.close();
    } catch (Exception e) {
      // closing a pool cannot fail in a way the caller could act on
    }
  }
}
