package dev.palisade.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices, while running, that the database is no longer the one opened: the SQLite file removed
 * or replaced (another inode/device), or a database whose id changed (a PostgreSQL URL that DNS
 * or a failover re-pointed). That is final until a restart, which then applies the start-time
 * identity check: fail closed, never carry on with a history that does not hold what was signed.
 */
final class DatabaseGuard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseGuard.class);
  static final long INTERVAL_MILLIS = 500;

  private final String description;
  private final Path sqliteFile; // null for PostgreSQL
  private final Object fileKey;
  private volatile DataSource raw;
  private volatile String id;
  private volatile String failure;
  private ScheduledExecutorService timer;

  DatabaseGuard(String description, Path sqliteFile) throws IOException {
    this.description = description;
    this.sqliteFile = sqliteFile;
    this.fileKey = sqliteFile == null ? null : fileKey(sqliteFile);
  }

  /** Starts the periodic check once the id is known. */
  void start(DataSource unguarded, String databaseId) {
    this.raw = unguarded;
    this.id = databaseId;
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "database-guard");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::checkQuietly, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Cheap (a volatile read; for SQLite one stat): call before every use. */
  void ensureUsable() throws SQLException {
    String failed = failure;
    if (failed == null && sqliteFile != null) {
      failed = checkFile();
    }
    if (failed != null) {
      throw new SQLException(failed, Database.REPLACED_STATE); // fail closed; retrying cannot help
    }
  }

  Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** Runs the whole check now (also periodically): file identity, then the id row. */
  void check() {
    if (failure != null || raw == null) {
      return;
    }
    if (sqliteFile != null && checkFile() != null) {
      return;
    }
    try (Connection c = raw.getConnection()) {
      Optional<String> now = DatabaseIdentity.readId(c);
      if (now.isEmpty()) {
        fail(description + " no longer holds a database id (expected " + id + ")");
      } else if (!now.get().equals(id)) {
        fail(description + " is now database " + now.get() + ", not " + id);
      }
    } catch (SQLException e) {
      // unreachable or busy: the stores' own health and timeouts report that; not a replacement.
      // A SQLite file that vanished between the stat and the open is caught by the next stat.
      LOG.debug("database id check failed: {}", e.getMessage());
    }
  }

  private void checkQuietly() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.warn("database id check failed: {}", e.toString());
    }
  }

  private String checkFile() {
    try {
      Object now = fileKey(sqliteFile);
      if (fileKey != null && !fileKey.equals(now)) {
        fail("the database file " + sqliteFile + " was replaced while in use");
      }
    } catch (NoSuchFileException e) {
      fail("the database file " + sqliteFile + " was removed while in use");
    } catch (IOException e) {
      fail("the database file " + sqliteFile + " cannot be read: " + e.getMessage());
    }
    return failure;
  }

  private synchronized void fail(String message) {
    if (failure == null) {
      failure = message + "; refusing to sign until Palisade is restarted on the right database";
      LOG.error("{}", failure);
    }
  }

  private static Object fileKey(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
