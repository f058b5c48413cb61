package dev.palisade.store;

/** The two databases Palisade runs on. SQL differences are confined to the users of this enum. */
public enum Dialect {
  SQLITE,
  POSTGRESQL;

  /** The dialect a JDBC URL names; SQLite needs no URL (it lives in the data path). */
  public static Dialect ofUrl(String jdbcUrl) {
    if (jdbcUrl == null) {
      return SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "the database URL must be a jdbc:postgresql:// URL (SQLite is the default and needs no URL)");
  }
}
