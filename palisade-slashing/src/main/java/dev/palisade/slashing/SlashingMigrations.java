package dev.palisade.slashing;

import dev.palisade.store.MigrationSet;

/** This module's schema. Flyway's default history table, as in every earlier release. */
public final class SlashingMigrations {
  public static final MigrationSet SET =
      new MigrationSet(
          "slashing protection",
          "flyway_schema_history",
          "classpath:db/migration/sqlite",
          "classpath:db/migration/postgresql",
          SlashingMigrations.class.getClassLoader());

  private SlashingMigrations() {}
}
