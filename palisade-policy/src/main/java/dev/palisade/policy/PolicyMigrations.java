package dev.palisade.policy;

import dev.palisade.auth.Dialect;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Creates and upgrades this module's tables: its own history table, and a database that already
 * holds other modules' tables is baselined at 0 so our V1 still runs. The one place to swap for the
 * shared migration runner.
 */
public final class PolicyMigrations {
  public static final String HISTORY_TABLE = "flyway_history_policy";

  private PolicyMigrations() {}

  public static void migrate(DataSource dataSource, Dialect dialect) {
    try {
      Flyway.configure(PolicyMigrations.class.getClassLoader())
          .dataSource(dataSource)
          .table(HISTORY_TABLE)
          .locations("classpath:db/policy/" + dialect.name().toLowerCase(Locale.ROOT))
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new PolicyUnavailableException("policy store migration failed: " + e.getMessage(), e);
    }
  }
}
