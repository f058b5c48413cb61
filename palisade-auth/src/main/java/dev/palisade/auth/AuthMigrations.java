package dev.palisade.auth;

import dev.palisade.store.DatabaseUnavailableException;
import dev.palisade.store.Dialect;
import dev.palisade.store.MigrationSet;
import dev.palisade.store.Migrations;
import javax.sql.DataSource;

/** This module's tables, run by palisade-store's one migration runner in their own history table. */
public final class AuthMigrations {
  public static final String HISTORY_TABLE = "flyway_history_auth";
  public static final MigrationSet SET =
      new MigrationSet(
          "identity and audit",
          HISTORY_TABLE,
          "classpath:db/auth/sqlite",
          "classpath:db/auth/postgresql",
          AuthMigrations.class.getClassLoader());

  private AuthMigrations() {}

  public static void migrate(DataSource dataSource, Dialect dialect) {
    try {
      Migrations.run(dataSource, dialect, SET);
    } catch (DatabaseUnavailableException e) {
      throw new AuthStoreUnavailableException("auth store migration failed: " + e.getMessage(), e);
    }
  }
}
