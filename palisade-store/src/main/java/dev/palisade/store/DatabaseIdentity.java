package dev.palisade.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database's random id (one row of {@code palisade_database}) and the data directory's memory of
 * the id it last used. A node that used one database never silently starts on another, or on an
 * empty one: its slashing history would be missing and it could sign a slashable message.
 */
final class DatabaseIdentity {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseIdentity.class);
  static final String TABLE = "palisade_database";
  /** Tables that mean "Palisade used this database" (previous releases had no id row). */
  private static final Set<String> OURS =
      Set.of(TABLE, "flyway_schema_history", "flyway_history_auth", "flyway_history_vault",
          "validators", "vault_sealed_keys");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What open decided: the id to use, and whether the row and/or the remembered file must be written. */
  record Decision(String id, boolean writeRow, boolean remember) {}

  private DatabaseIdentity() {}

  static Optional<String> remembered(Path idFile) {
    try {
      if (idFile == null || !Files.exists(idFile)) {
        return Optional.empty();
      }
      SecureFiles.tighten(idFile, SecureFiles.FILE);
      String id = Files.readString(idFile, StandardCharsets.UTF_8).trim();
      if (!id.matches("[0-9a-f]{32}")) {
        throw new DatabaseIdentityException(idFile + " does not hold a database id; restore it or remove it deliberately");
      }
      return Optional.of(id);
    } catch (IOException e) {
      throw new DatabaseUnavailableException("cannot read " + idFile + ": " + e.getMessage(), e);
    }
  }

  /** Called before any migration, so that "empty" still means what the operator pointed us at. */
  static Decision decide(DataSource dataSource, Dialect dialect, DatabaseConfig config) {
    Optional<String> expected = remembered(config.idFile());
    Optional<String> found;
    boolean used;
    try (Connection c = dataSource.getConnection()) {
      Set<String> tables = ourTables(c, dialect);
      found = tables.contains(TABLE) ? readId(c) : Optional.empty();
      used = !tables.isEmpty();
    } catch (SQLException e) {
      throw new DatabaseUnavailableException(
          "cannot read the database id of " + config.describe() + ": " + e.getMessage(), e);
    }
    boolean accept = config.identity() != DatabaseConfig.IdentityMode.STRICT;
    if (found.isPresent()) {
      if (expected.isEmpty()) {
        LOG.info("adopting database {} ({}); remembered in {}", found.get(), config.describe(), config.idFile());
        return new Decision(found.get(), false, true);
      }
      if (expected.get().equals(found.get())) {
        return new Decision(found.get(), false, false);
      }
      if (config.identity() != DatabaseConfig.IdentityMode.ACCEPT_NEW) { // an import never switches databases
        throw refusal(config, expected.get(), "has database id " + found.get());
      }
      LOG.warn("using database {} ({}) instead of {} as told; the history of {} does not protect this node",
          found.get(), config.describe(), expected.get(), expected.get());
      return new Decision(found.get(), false, true);
    }
    if (expected.isPresent()) {
      if (!accept) {
        throw refusal(config, expected.get(), used
            ? "holds Palisade tables but no database id (a database of an earlier release?)"
            : "is empty (a new database)");
      }
      LOG.warn("starting on {} database {} instead of {} as told", used ? "an unidentified" : "a new",
          config.describe(), expected.get());
      return new Decision(newId(), true, true);
    }
    if (used) {
      LOG.warn("{} was created by an earlier release and has no database id: giving it one now",
          config.describe());
    } else {
      LOG.info("first start: new database {} ({})", config.describe(), config.idFile());
    }
    return new Decision(newId(), true, true);
  }

  /** Writes the row (unless a concurrent first start won) and the remembered id; returns the id. */
  static String apply(DataSource dataSource, DatabaseConfig config, Decision decision) {
    String id = decision.id();
    try {
      if (decision.writeRow()) {
        try (Connection c = dataSource.getConnection()) {
          createTable(c);
          try (PreparedStatement ps = c.prepareStatement(
              "INSERT INTO " + TABLE + " (singleton, id, created_at) VALUES (1, ?, ?) ON CONFLICT (singleton) DO NOTHING")) {
            ps.setString(1, id);
            ps.setLong(2, System.currentTimeMillis());
            ps.executeUpdate();
          }
          id = readId(c).orElseThrow(() -> new SQLException("the database id row vanished"));
        }
      }
      if ((decision.remember() || decision.writeRow()) && config.idFile() != null) {
        SecureFiles.writePrivate(config.idFile(), id + "\n");
      }
      return id;
    } catch (SQLException | IOException e) {
      throw new DatabaseUnavailableException("cannot record the database id of " + config.describe() + ": " + e.getMessage(), e);
    }
  }

  static Optional<String> readId(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM " + TABLE + " WHERE singleton = 1")) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }
  }

  private static void createTable(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (singleton INTEGER PRIMARY KEY CHECK (singleton = 1),"
          + " id VARCHAR(32) NOT NULL, created_at BIGINT NOT NULL)");
    }
  }

  private static Set<String> ourTables(Connection c, Dialect dialect) throws SQLException {
    String sql = dialect == Dialect.SQLITE
        ? "SELECT name FROM sqlite_master WHERE type = 'table'"
        : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()";
    Set<String> tables = new TreeSet<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        String name = rs.getString(1).toLowerCase(Locale.ROOT);
        if (OURS.contains(name)) {
          tables.add(name);
        }
      }
    }
    return tables;
  }

  static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  static DatabaseIdentityException refusal(DatabaseConfig config, String expected, String what) {
    return new DatabaseIdentityException(
        "refusing to start: " + config.describe() + " " + what + ", but " + config.idFile()
            + " says this data directory last used database " + expected + ". Its slashing history is"
            + " not in this database, so signing here could sign a slashable message. Point --data-path /"
            + " --db-url back at database " + expected + "; or import its exported history first"
            + " (palisade slashing import --from FILE); or, if you are sure, start once with"
            + " --db-accept-new-database.");
  }
}
