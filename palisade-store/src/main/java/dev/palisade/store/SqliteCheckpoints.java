package dev.palisade.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies SQLite's write-ahead log back into the database file on a thread of its own.
 *
 * <p>SQLite's automatic checkpoint runs inside the commit that fills the log to 1,000 pages, on the
 * committing thread: under signing load that was the slashing writer every ~130 ms, for 5–9 ms
 * each time, and every signing request arriving meanwhile waited for it (it set the p99). Here the
 * node's connections never checkpoint ({@code wal_autocheckpoint=0}); this thread does, with
 * PASSIVE checkpoints outside the {@link WriteGate} that copy the log (and fsync the file) while
 * writers go on. SQLite starts the log over only when a writer begins with every frame copied, which
 * under steady writes never happens by itself (they append while the copy runs), so once the log is
 * long the thread copies until little is left and then copies the rest inside the gate: the next
 * writer starts the log over, and its file stays bounded. A failed checkpoint costs only disk (the
 * log grows): it is logged and retried.
 */
final class SqliteCheckpoints implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteCheckpoints.class);
  private static final long SMALL_REMAINDER = 16;
  /**
   * Until the log first holds this much, no connection is opened: a node that has written little
   * needs no checkpoint (SQLite copies the log when the last connection closes), and a database
   * that is only read, or closed and deleted by a test, is never touched by this thread.
   */
  private static final long FIRST_CONNECT_LOG_BYTES = 1 << 20;
  private final DataSource dataSource;
  private final Path log;
  private final WriteGate gate;
  private final long intervalMillis;
  private final long restartFrames;
  private final Thread thread;
  private volatile boolean running = true;
  private Connection connection;

  /** @param restartFrames a log this long (in frames of a page each) is started over */
  SqliteCheckpoints(DataSource dataSource, Path file, WriteGate gate, Duration interval, long restartFrames) {
    this.dataSource = dataSource;
    this.log = Path.of(file + "-wal");
    this.gate = gate;
    this.intervalMillis = interval.toMillis();
    this.restartFrames = restartFrames;
    this.thread = new Thread(this::run, "palisade-sqlite-checkpoints");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void run() {
    String lastFailure = null;
    while (running) {
      try {
        Thread.sleep(intervalMillis);
        checkpointOnce();
        lastFailure = null;
      } catch (InterruptedException e) {
        break;
      } catch (SQLException | RuntimeException e) {
        closeConnection();
        if (!Objects.equals(e.getMessage(), lastFailure)) { // once per distinct failure, not every interval
          LOG.warn("SQLite checkpoint failed (the write-ahead log grows until one succeeds): {}", e.getMessage());
          lastFailure = e.getMessage();
        }
      }
    }
    closeConnection();
  }

  void checkpointOnce() throws SQLException {
    if (connection == null) {
      if (logBytes() < FIRST_CONNECT_LOG_BYTES) {
        return;
      }
      connection = dataSource.getConnection();
    }
    Frames copied = passive();
    if (copied.logged() < restartFrames) {
      return;
    }
    // Writers appended while that ran: copy that too, until little is left, so the turn below
    // (which fsyncs what it copies while every writer waits) is short.
    for (int pass = 0; pass < 4; pass++) {
      long before = copied.logged();
      copied = passive();
      if (copied.logged() - before <= SMALL_REMAINDER) {
        break;
      }
    }
    gate.enter();
    try {
      passive();
    } finally {
      gate.leave();
    }
  }

  private long logBytes() {
    try {
      return Files.size(log);
    } catch (IOException e) {
      return 0; // no log yet
    }
  }

  /** Frames in the log, and frames now copied into the database file. */
  private record Frames(long logged, long copied) {}

  private Frames passive() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      rs.next();
      return new Frames(rs.getLong(2), rs.getLong(3));
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // broken already
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
