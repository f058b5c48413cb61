package dev.palisade.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a node's database is and how to reach it.
 *
 * @param dataPath the node's data directory: holds the SQLite file and the remembered database id;
 *     null only for PostgreSQL without a data directory (tools, tests): then no id is remembered
 * @param url {@code jdbc:postgresql://...}, or empty for SQLite in {@code dataPath}
 * @param username PostgreSQL user, or null
 * @param password PostgreSQL password, or null; never printed ({@link #toString()} hides it)
 * @param sqliteFileName the SQLite file's name in {@code dataPath}
 * @param idFileName the file in {@code dataPath} that remembers the database id
 * @param poolSize PostgreSQL pool size (slashing writers plus identity, audit and admin users)
 * @param connectionTimeout longest wait for a connection (and PostgreSQL's connect timeout)
 * @param socketTimeout PostgreSQL read timeout: a dead server fails a statement, never hangs it
 * @param busyTimeout SQLite busy timeout
 * @param identity what to do when the database is not the one the data directory remembers
 */
public record DatabaseConfig(
    Path dataPath,
    Optional<String> url,
    String username,
    String password,
    String sqliteFileName,
    String idFileName,
    int poolSize,
    Duration connectionTimeout,
    Duration socketTimeout,
    Duration busyTimeout,
    IdentityMode identity) {
  public static final String SQLITE_FILE_NAME = "slashing-protection.sqlite";
  public static final String ID_FILE_NAME = "database-id";

  /** How a start treats a database that is not the remembered one. */
  public enum IdentityMode {
    /** Refuse an empty or different database where the data directory used one before. */
    STRICT,
    /** The operator said so ({@code --db-accept-new-database}): adopt it and remember it. */
    ACCEPT_NEW,
    /**
     * Allow an empty database but write its id only on {@link Database#confirmIdentity()}: for
     * {@code slashing import}, which adopts the database only once the history is in.
     */
    ACCEPT_NEW_ON_CONFIRM
  }

  public DatabaseConfig {
    Objects.requireNonNull(url, "url");
    if (dataPath == null && url.isEmpty()) {
      throw new IllegalArgumentException("SQLite needs a data path");
    }
    Objects.requireNonNull(identity, "identity");
    Dialect.ofUrl(url.orElse(null)); // validates the URL
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be >= 1");
    }
  }

  /** SQLite in {@code dataPath} with the defaults. */
  public static DatabaseConfig sqlite(Path dataPath) {
    return new DatabaseConfig(dataPath, Optional.empty(), null, null, SQLITE_FILE_NAME, ID_FILE_NAME,
        6, Duration.ofMillis(1500), Duration.ofSeconds(6), Duration.ofSeconds(5), IdentityMode.STRICT);
  }

  /** PostgreSQL at {@code url}, remembering its id in {@code dataPath}. */
  public static DatabaseConfig postgres(Path dataPath, String url, String username, String password) {
    return sqlite(dataPath).withUrl(Optional.of(url), username, password);
  }

  public Dialect dialect() {
    return Dialect.ofUrl(url.orElse(null));
  }

  public Path sqliteFile() {
    return dataPath.resolve(sqliteFileName);
  }

  /** The file that remembers the database id; null without a data path. */
  public Path idFile() {
    return dataPath == null ? null : dataPath.resolve(idFileName);
  }

  /** The URL or file, for messages: no credentials. */
  public String describe() {
    return url.map(u -> "PostgreSQL " + redact(u)).orElseGet(() -> "SQLite " + sqliteFile().toAbsolutePath());
  }

  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//[^@/]*@", "//");
  }

  public DatabaseConfig withUrl(Optional<String> newUrl, String newUsername, String newPassword) {
    return new DatabaseConfig(dataPath, newUrl, newUsername, newPassword, sqliteFileName, idFileName,
        poolSize, connectionTimeout, socketTimeout, busyTimeout, identity);
  }

  public DatabaseConfig withFiles(String newSqliteFileName, String newIdFileName) {
    return new DatabaseConfig(dataPath, url, username, password, newSqliteFileName, newIdFileName,
        poolSize, connectionTimeout, socketTimeout, busyTimeout, identity);
  }

  public DatabaseConfig withPool(int newPoolSize, Duration newConnectionTimeout, Duration newSocketTimeout) {
    return new DatabaseConfig(dataPath, url, username, password, sqliteFileName, idFileName,
        newPoolSize, newConnectionTimeout, newSocketTimeout, busyTimeout, identity);
  }

  public DatabaseConfig withIdentity(IdentityMode mode) {
    return new DatabaseConfig(dataPath, url, username, password, sqliteFileName, idFileName,
        poolSize, connectionTimeout, socketTimeout, busyTimeout, mode);
  }

  @Override
  public String toString() {
    return "DatabaseConfig[" + describe() + ", user=" + username + ", password=" + (password == null ? "none" : "***")
        + ", identity=" + identity + "]";
  }
}
