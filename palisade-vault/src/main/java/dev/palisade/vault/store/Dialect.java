package dev.palisade.vault.store;

/** The SQL databases the sealed key store runs on; each has its own migration folder. */
public enum Dialect {
  SQLITE("db/vault/sqlite"),
  POSTGRESQL("db/vault/postgresql");

  private final String migrationFolder;

  Dialect(String migrationFolder) {
    this.migrationFolder = migrationFolder;
  }

  public String migrationLocation() {
    return "classpath:" + migrationFolder;
  }
}
