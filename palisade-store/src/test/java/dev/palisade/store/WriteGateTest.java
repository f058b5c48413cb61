package dev.palisade.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteGateTest {
  private static final AtomicInteger ridesWritten = new AtomicInteger();
  @TempDir Path data;

  @Test
  void anSqliteDatabaseLetsOneWriterThroughAtATime() throws Exception {
    try (Database database = Database.open(DatabaseConfig.sqlite(data))) {
      WriteGate gate = database.writeGate();
      gate.enter();
      CountDownLatch entered = new CountDownLatch(1);
      Thread second = new Thread(() -> {
        gate.enter();
        entered.countDown();
        gate.leave();
      });
      second.start();
      assertFalse(entered.await(200, TimeUnit.MILLISECONDS), "a second writer waits while the first is in");
      gate.leave();
      assertTrue(entered.await(10, TimeUnit.SECONDS), "and goes in once the first leaves");
      second.join();
    }
  }

  @Test
  void leavingWithoutATurnChangesNothingAndAnOpenGateNeverWaits() throws Exception {
    WriteGate gate = WriteGate.oneAtATime();
    gate.leave(); // a failure path may leave twice
    gate.enter();
    gate.leave();
    gate.leave();
    WriteGate open = WriteGate.none();
    open.enter();
    CountDownLatch entered = new CountDownLatch(1);
    new Thread(() -> {
      open.enter();
      entered.countDown();
    }).start();
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    Thread other = new Thread(gate::enter);
    other.start();
    other.join(10_000);
    assertFalse(other.isAlive(), "the gate was left free");
  }

  @Test
  void aRideIsWrittenInsideTheNextWritersTransactionAndCommittedWithIt() throws Exception {
    try (Database database = Database.open(DatabaseConfig.sqlite(data));
        Connection carrier = database.dataSource().getConnection()) {
      WriteGate gate = database.writeGate();
      exec(carrier, "CREATE TABLE t (v TEXT)");
      CompletableFuture<Boolean> ride = offer(gate, "ride", Duration.ofSeconds(10));
      int carriedBy = 0;
      while (!ride.isDone() && carriedBy < 1_000) {
        carriedBy++;
        commit(gate, carrier, writeAndCarry(gate, carrier, "carrier " + carriedBy));
        Thread.sleep(5);
      }
      assertTrue(ride.get(10, TimeUnit.SECONDS), "the offerer learns that its rows were committed");
      assertEquals(carriedBy + 1, count(carrier, "1 = 1"));
      assertEquals(1, count(carrier, "v = 'ride'"));
    }
  }

  @Test
  void aRideNoWriterTakesInTimeIsWithdrawnAndNeverWritten() throws Exception {
    try (Database database = Database.open(DatabaseConfig.sqlite(data));
        Connection carrier = database.dataSource().getConnection()) {
      WriteGate gate = database.writeGate();
      exec(carrier, "CREATE TABLE t (v TEXT)");
      assertFalse(offer(gate, "late", Duration.ofMillis(50)).get(10, TimeUnit.SECONDS), "not taken: the caller writes");
      commit(gate, carrier, writeAndCarry(gate, carrier, "carrier"));
      assertEquals(0, count(carrier, "v = 'late'"), "a withdrawn ride is not written later");
      assertFalse(WriteGate.none().ride(c -> exec(c, "INSERT INTO t VALUES ('x')"), Duration.ofSeconds(5)),
          "an open gate (PostgreSQL) carries nothing and says so at once");
    }
  }

  @Test
  void aFailingRideIsRolledBackAloneAndARolledBackCarrierTellsItsRides() throws Exception {
    try (Database database = Database.open(DatabaseConfig.sqlite(data));
        Connection carrier = database.dataSource().getConnection()) {
      WriteGate gate = database.writeGate();
      exec(carrier, "CREATE TABLE t (v TEXT)");
      CompletableFuture<Boolean> failing = offer(gate, c -> {
        exec(c, "INSERT INTO t VALUES ('half')");
        throw new SQLException("the rider's own failure");
      });
      commit(gate, carrier, carryOnceOffered(gate, carrier, failing));
      ExecutionException e = assertThrows(ExecutionException.class, () -> failing.get(10, TimeUnit.SECONDS));
      assertEquals("the rider's own failure", e.getCause().getMessage());
      assertEquals(0, count(carrier, "v = 'half'"), "the failed ride's row was rolled back");
      assertEquals(1, count(carrier, "v = 'carrier'"), "the carrier's own row committed");

      CompletableFuture<Boolean> lost = offer(gate, c -> exec(c, "INSERT INTO t VALUES ('lost')"));
      WriteGate.CarriedRides rides = carryOnceOffered(gate, carrier, lost);
      exec(carrier, "ROLLBACK");
      gate.leave();
      rides.failed(new SQLException("disk I/O error"));
      assertThrows(ExecutionException.class, () -> lost.get(10, TimeUnit.SECONDS), "told: nothing committed");
      assertEquals(0, count(carrier, "v = 'lost'"));
    }
  }

  /** Commits a carrier's transaction, leaves the gate and tells its rides. */
  private static void commit(WriteGate gate, Connection c, WriteGate.CarriedRides rides) throws SQLException {
    exec(c, "COMMIT");
    gate.leave();
    rides.committed();
  }

  /** Begins a gated transaction with a row of its own and carries whatever rides have come, once. */
  private static WriteGate.CarriedRides writeAndCarry(WriteGate gate, Connection c, String value) throws SQLException {
    gate.enter();
    exec(c, "BEGIN IMMEDIATE");
    exec(c, "INSERT INTO t VALUES ('" + value + "')");
    return gate.carryRides(c);
  }

  /** Keeps offering carrier transactions (rolled back empty) until {@code ride} is taken, then returns that one open. */
  private static WriteGate.CarriedRides carryOnceOffered(WriteGate gate, Connection c, CompletableFuture<Boolean> ride)
      throws Exception {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      Thread.sleep(5);
      int before = ridesWritten.get();
      WriteGate.CarriedRides rides = writeAndCarry(gate, c, "carrier");
      if (ridesWritten.get() > before) {
        return rides;
      }
      exec(c, "ROLLBACK");
      gate.leave();
    }
    throw new AssertionError("the ride was never offered");
  }

  private static CompletableFuture<Boolean> offer(WriteGate gate, String value, Duration wait) {
    return offer(gate, c -> exec(c, "INSERT INTO t VALUES ('" + value + "')"), wait);
  }

  private static CompletableFuture<Boolean> offer(WriteGate gate, WriteGate.Rider rider) {
    return offer(gate, rider, Duration.ofSeconds(10));
  }

  private static CompletableFuture<Boolean> offer(WriteGate gate, WriteGate.Rider rider, Duration wait) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    new Thread(() -> {
      try {
        result.complete(gate.ride(c -> {
          ridesWritten.incrementAndGet();
          rider.write(c);
        }, wait));
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    }).start();
    return result;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long count(Connection c, String where) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
