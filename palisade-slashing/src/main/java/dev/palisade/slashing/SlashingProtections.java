package dev.palisade.slashing;

import java.nio.file.Path;

/** Opens slashing protection stores. Both run their schema migrations on open. */
public final class SlashingProtections {
  private SlashingProtections() {}

  /**
   * The embedded default: {@code dataDir/slashing-protection.sqlite}. Several instances (or
   * processes) may open the same file; SQLite's write lock serialises them.
   */
  public static SlashingProtection sqlite(Path dataDir, SlashingOptions options) {
    return new DatabaseSlashingProtection(new SqliteStore(dataDir, options), options, 1);
  }

  public static SlashingProtection sqlite(Path dataDir) {
    return sqlite(dataDir, SlashingOptions.defaults());
  }

  /**
   * PostgreSQL or a PostgreSQL-compatible distributed database. Any number of instances may share
   * the database and even the same keys.
   *
   * @throws SlashingStoreUnavailableException if the database cannot be reached or migrated
   */
  public static SlashingProtection postgres(
      String jdbcUrl, String user, String password, SlashingOptions options) {
    return new DatabaseSlashingProtection(
        new PostgresStore(jdbcUrl, user, password, options), options, options.writerThreads());
  }

  public static SlashingProtection postgres(String jdbcUrl, String user, String password) {
    return postgres(jdbcUrl, user, password, SlashingOptions.defaults());
  }
}
