package dev.palisade.auth;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Creates and upgrades this module's tables. Other modules migrate the same database, so ours keep
 * their own history table, and a database that already holds their tables is baselined at version 0
 * (so our V1 still runs) instead of being refused as "non-empty without history".
 */
public final class AuthMigrations {
  public static final String HISTORY_TABLE = "flyway_history_auth";

  private AuthMigrations() {}

  public static void migrate(DataSource dataSource, Dialect dialect) {
    try {
      Flyway.configure(AuthMigrations.class.getClassLoader())
          .dataSource(dataSource)
          .table(HISTORY_TABLE)
          .locations(dialect.migrationLocation())
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new AuthStoreUnavailableException("auth store migration failed: " + e.getMessage(), e);
    }
  }
}
