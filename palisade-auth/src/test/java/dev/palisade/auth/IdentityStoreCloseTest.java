package dev.palisade.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.store.Dialect;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Once close returns, the store's poller no longer touches the database (a flaky test's leftover files). */
class IdentityStoreCloseTest {

  /** Connections of a real data source that, once held, wait without heeding interrupts, as a native SQLite call does. */
  static final class HeldConnections implements InvocationHandler {
    final DataSource delegate;
    final AtomicBoolean hold = new AtomicBoolean();
    final CountDownLatch held = new CountDownLatch(1);
    final AtomicInteger opened = new AtomicInteger();
    volatile boolean released;

    HeldConnections(DataSource delegate) {
      this.delegate = delegate;
    }

    DataSource dataSource() {
      return (DataSource) Proxy.newProxyInstance(
          DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, this);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getName().equals("getConnection")) {
        if (hold.get()) {
          held.countDown();
          while (!released) LockSupport.parkNanos(1_000_000); // ignores interrupts
        }
        opened.incrementAndGet();
      }
      try {
        return method.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  @Test
  void closeWaitsForAPollUnderWayAndNothingOpensTheDatabaseAfter() throws Exception {
    HeldConnections source = new HeldConnections(TestDatabases.fresh(Dialect.SQLITE));
    IdentityStore store = IdentityStore.open(source.dataSource(), Dialect.SQLITE,
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
