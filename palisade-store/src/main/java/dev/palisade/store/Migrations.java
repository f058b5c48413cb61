package dev.palisade.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The one migration runner. Each module keeps the Flyway history table and folders it had in the
 * previous release (slashing: Flyway's default {@code flyway_schema_history}; auth: {@code
 * flyway_history_auth}; vault: {@code flyway_history_vault}), so databases made by that release
 * still open and are upgraded in place. Several modules share one database, so a set whose history
 * table is missing on a non-empty database is baselined at version 0 (its V1 still runs) instead of
 * being refused as "non-empty without history".
 */
public final class Migrations {
  private Migrations() {}

  public static void run(DataSource dataSource, Dialect dialect, MigrationSet set) {
    try {
      Flyway.configure(set.classLoader())
          .dataSource(dataSource)
          .table(set.historyTable())
          .locations(set.location(dialect))
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new DatabaseUnavailableException(
          "cannot migrate the " + set.name() + " tables: " + e.getMessage(), e);
    }
  }
}
