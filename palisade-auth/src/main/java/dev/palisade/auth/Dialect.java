package dev.palisade.auth;

/** The two databases the auth store runs on; SQL differences are confined to this enum's users. */
public enum Dialect {
  SQLITE("classpath:db/auth/sqlite"),
  POSTGRESQL("classpath:db/auth/postgresql");

  private final String migrationLocation;

  Dialect(String migrationLocation) {
    this.migrationLocation = migrationLocation;
  }

  String migrationLocation() {
    return migrationLocation;
  }
}
