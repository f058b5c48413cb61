package dev.palisade.slashing;

import dev.palisade.store.Database;
import dev.palisade.store.DatabaseConfig;
import dev.palisade.store.DatabaseUnavailableException;
import dev.palisade.store.Dialect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Opens slashing protection stores. Each runs this module's migrations on open. */
public final class SlashingProtections {
  private SlashingProtections() {}

  /**
   * On the node's database (which the caller keeps owning). SQLite: one writer thread (SQLite has
   * one write lock); PostgreSQL or a compatible distributed database: {@code
   * options.writerThreads()} writers, and any number of instances may share the database and keys.
   *
   * @throws SlashingStoreUnavailableException if the database cannot be migrated
   */
  public static SlashingProtection open(Database database, SlashingOptions options) {
    return open(database, options, null);
  }

  private static SlashingProtection open(Database database, SlashingOptions options, AutoCloseable owned) {
    try {
      database.migrate(SlashingMigrations.SET);
    } catch (DatabaseUnavailableException e) {
      closeQuietly(owned);
      throw new SlashingStoreUnavailableException(e.getMessage(), e);
    }
    return database.dialect() == Dialect.SQLITE
        ? new DatabaseSlashingProtection(new SqliteStore(database, options, owned), options, 1)
        : new DatabaseSlashingProtection(
            new PostgresStore(database, options, owned), options, options.writerThreads());
  }

  /** The database settings these options need: pool size, connect and socket timeouts. */
  public static DatabaseConfig tune(DatabaseConfig config, SlashingOptions options, int otherConnections) {
    long socketSeconds = Math.max(5, options.statementTimeout().toSeconds() * 3);
    return config.withPool(
        Math.max(options.poolSize(), options.writerThreads() + 1) + otherConnections,
        options.connectionTimeout(),
        Duration.ofSeconds(socketSeconds));
  }

  /**
   * A store on its own database, {@code dataDir/slashing-protection.sqlite}, closed with it (tools
   * and tests; a node shares one {@link Database} through {@link #open(Database, SlashingOptions)}).
   */
  public static SlashingProtection sqlite(Path dataDir, SlashingOptions options) {
    return openOwned(tune(DatabaseConfig.sqlite(dataDir), options, 0), options);
  }

  public static SlashingProtection sqlite(Path dataDir) {
    return sqlite(dataDir, SlashingOptions.defaults());
  }

  /** A store on its own PostgreSQL pool, closed with it; no data directory remembers its id. */
  public static SlashingProtection postgres(
      String jdbcUrl, String user, String password, SlashingOptions options) {
    DatabaseConfig config =
        new DatabaseConfig(null, Optional.of(jdbcUrl), user, password, DatabaseConfig.SQLITE_FILE_NAME,
            DatabaseConfig.ID_FILE_NAME, 1, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5),
            DatabaseConfig.IdentityMode.STRICT);
    return openOwned(tune(config, options, 0), options);
  }

  public static SlashingProtection postgres(String jdbcUrl, String user, String password) {
    return postgres(jdbcUrl, user, password, SlashingOptions.defaults());
  }

  private static SlashingProtection openOwned(DatabaseConfig config, SlashingOptions options) {
    Database database;
    try {
      database = Database.open(config);
    } catch (DatabaseUnavailableException e) {
      throw new SlashingStoreUnavailableException(e.getMessage(), e);
    }
    return open(database, options, database);
  }

  private static void closeQuietly(AutoCloseable owned) {
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception ignored) {
        // already failing
      }
    }
  }
}
