package dev.palisade.store;

/**
 * One module's schema: its own Flyway history table and migration folders per dialect.
 *
 * @param historyTable Flyway's history table for this module; never change it, databases made by
 *     earlier releases record their applied versions there
 * @param sqliteLocation Flyway location of the SQLite migrations ({@code classpath:...})
 * @param postgresLocation Flyway location of the PostgreSQL migrations
 * @param classLoader the loader that sees the module's migration resources
 */
public record MigrationSet(
    String name, String historyTable, String sqliteLocation, String postgresLocation, ClassLoader classLoader) {

  public String location(Dialect dialect) {
    return dialect == Dialect.SQLITE ? sqliteLocation : postgresLocation;
  }
}
