package dev.palisade.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.store.Dialect;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Once close returns, the store's poller no longer touches the database (a flaky test's leftover files). */
class IdentityStoreCloseTest {

  /** A data source whose connections, once held, wait without heeding interrupts, as a native SQLite call does. */
  static final class HeldDataSource implements DataSource {
    final DataSource delegate;
    final AtomicBoolean hold = new AtomicBoolean();
    final CountDownLatch held = new CountDownLatch(1);
    final AtomicInteger opened = new AtomicInteger();
    volatile boolean released;

    HeldDataSource(DataSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (hold.get()) {
        held.countDown();
        while (!released) LockSupport.parkNanos(1_000_000); // ignores interrupts
      }
      opened.incrementAndGet();
      return delegate.getConnection();
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

  @Test
  void closeWaitsForAPollUnderWayAndNothingOpensTheDatabaseAfter() throws Exception {
    HeldDataSource source = new HeldDataSource(TestDatabases.fresh(Dialect.SQLITE));
    IdentityStore store = IdentityStore.open(source, Dialect.SQLITE,
        new AuthStoreOptions(Duration.ofMillis(10), Duration.ofSeconds(1), Clock.systemUTC()));
    source.hold.set(true);
    assertTrue(source.held.await(5, TimeUnit.SECONDS), "a poll began");
    CompletableFuture<Void> closing = CompletableFuture.runAsync(store::close);
    Thread.sleep(300);
    assertFalse(closing.isDone(), "close waits for the poll under way");
    source.released = true;
    closing.get(5, TimeUnit.SECONDS);
    int openedAtClose = source.opened.get();
    Thread.sleep(100);
    assertEquals(openedAtClose, source.opened.get(), "no connection opened after close returned");
  }
}
