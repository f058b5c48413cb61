package dev.palisade.policy;

import dev.palisade.store.DatabaseUnavailableException;
import dev.palisade.store.Dialect;
import dev.palisade.store.MigrationSet;
import dev.palisade.store.Migrations;
import javax.sql.DataSource;

/** This module's tables, run by palisade-store's one migration runner in their own history table. */
public final class PolicyMigrations {
  public static final String HISTORY_TABLE = "flyway_history_policy";
  public static final MigrationSet SET =
      new MigrationSet(
          "policies, counters and approvals",
          HISTORY_TABLE,
          "classpath:db/policy/sqlite",
          "classpath:db/policy/postgresql",
          PolicyMigrations.class.getClassLoader());

  private PolicyMigrations() {}

  public static void migrate(DataSource dataSource, Dialect dialect) {
    try {
      Migrations.run(dataSource, dialect, SET);
    } catch (DatabaseUnavailableException e) {
      throw new PolicyUnavailableException("policy store migration failed: " + e.getMessage(), e);
    }
  }
}
