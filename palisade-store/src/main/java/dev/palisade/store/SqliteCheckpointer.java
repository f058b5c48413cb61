package dev.palisade.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves SQLite's WAL into the database file on a thread of its own. SQLite's automatic checkpoint runs
 * inside whichever commit crosses 1,000 WAL pages, so the slashing writer (and every signature waiting on
 * its group commit) stalled for the copy and its fsync. The node's connections turn it off
 * ({@code wal_autocheckpoint=0}) and this thread runs a PASSIVE checkpoint every {@value #PERIOD_MILLIS} ms:
 * PASSIVE never takes the write lock, so writers go on committing while it copies. Durability is
 * unchanged: a commit is durable once its WAL frames are fsync'd (synchronous=FULL), checkpoint or not.
 */
final class SqliteCheckpointer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteCheckpointer.class);
  static final long PERIOD_MILLIS = 200;

  private final DataSource dataSource;
  private final Thread thread;
  private volatile boolean running = true;
  private Connection connection;

  SqliteCheckpointer(DataSource dataSource, String name) {
    this.dataSource = dataSource;
    this.thread = new Thread(this::run, "sqlite-checkpointer-" + name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void run() {
    while (running) {
      try {
        TimeUnit.MILLISECONDS.sleep(PERIOD_MILLIS);
        checkpoint();
      } catch (InterruptedException e) {
        break;
      } catch (SQLException | RuntimeException e) {
        // a replaced or removed file: the guard already fails every request; keep trying quietly
        LOG.debug("WAL checkpoint failed: {}", e.getMessage());
        closeConnection();
      }
    }
    closeConnection();
  }

  private void checkpoint() throws SQLException {
    if (connection == null) {
      connection = dataSource.getConnection();
    }
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("pragma wal_checkpoint(PASSIVE)")) {
      result.next(); // busy, WAL frames, frames checkpointed: nothing to act on
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("closing the checkpoint connection: {}", e.getMessage());
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
