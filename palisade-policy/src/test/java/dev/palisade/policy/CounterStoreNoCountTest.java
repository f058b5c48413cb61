package dev.palisade.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A request no limit applies to (the usual case) costs the database nothing: no connection is opened. */
class CounterStoreNoCountTest {
  @Test
  void nothingToCountOpensNoConnection() {
    AtomicInteger opened = new AtomicInteger();
    CounterStore counters = new CounterStore(new CountingDataSource(opened), Clock.systemUTC());
    assertEquals(Optional.empty(), counters.tryAddAll(List.of()));
    assertEquals(0, opened.get(), "connections opened for an empty list of counts");
  }

  /** Counts connection requests and fails them, as a database that is not there would. */
  private record CountingDataSource(AtomicInteger opened) implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      opened.incrementAndGet();
      throw new SQLException("no database in this test");
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
