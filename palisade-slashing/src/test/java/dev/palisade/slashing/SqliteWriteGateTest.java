package dev.palisade.slashing;

import static dev.palisade.slashing.TestData.GVR;
import static dev.palisade.slashing.TestData.key;
import static dev.palisade.slashing.TestData.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.store.Database;
import dev.palisade.store.DatabaseConfig;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slashing writer takes its turn through the database's write gate, so it queues behind the
 * node's other SQLite writers (the audit log) in the JVM instead of sleeping in SQLite's busy handler.
 */
class SqliteWriteGateTest {
  @TempDir Path data;

  @Test
  void aCheckWaitsWhileAnotherWriterOfTheProcessHoldsTheGateAndGoesOnOnceItLeaves() throws Exception {
    try (Database database = Database.open(DatabaseConfig.sqlite(data));
        SlashingProtection store = SlashingProtections.open(database, SlashingOptions.defaults())) {
      assertTrue(store.checkAndRecordBlock(key(1), GVR, 1, root(1)).isAllowed()); // registers the key
      database.writeGate().enter();
      CompletableFuture<Verdict> check =
          CompletableFuture.supplyAsync(() -> store.checkAndRecordBlock(key(1), GVR, 2, root(2)));
      try {
        Thread.sleep(300);
        assertFalse(check.isDone(), "the check waited for its turn");
      } finally {
        database.writeGate().leave();
      }
      assertTrue(check.get(10, TimeUnit.SECONDS).isAllowed());
    }
  }

  /** Asynchronous checks time out through a sweeper, not a timer each: at the deadline all the same. */
  @ParameterizedTest(name = "asynchronous: {0}")
  @ValueSource(booleans = {false, true})
  void aCheckGivesUpAtItsDeadlineAndTheStoreGoesOnAfterwards(boolean async) throws Exception {
    SlashingOptions options = SlashingOptions.defaults().withRequestTimeout(Duration.ofMillis(300));
    try (Database database = Database.open(DatabaseConfig.sqlite(data));
        SlashingProtection store = SlashingProtections.open(database, options)) {
      assertTrue(check(store, 1, async).isAllowed());
      database.writeGate().enter();
      long started = System.nanoTime();
      try {
        SlashingStoreUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
            () -> assertThrows(SlashingStoreUnavailableException.class, () -> check(store, 2, async)));
        assertTrue(e.getMessage().contains("did not answer in time"), e.getMessage());
        long waited = System.nanoTime() - started;
        assertTrue(waited >= Duration.ofMillis(300).toNanos(), "not before the deadline");
        assertTrue(waited < Duration.ofSeconds(2).toNanos(), "soon after it: " + waited / 1_000_000 + " ms");
      } finally {
        database.writeGate().leave();
      }
      // (slot 2 may still have been recorded once the gate opened: recorded and not signed is safe)
      assertTrue(check(store, 3, async).isAllowed());
    }
  }

  private static Verdict check(SlashingProtection store, int slot, boolean async) throws Exception {
    if (!async) {
      return store.checkAndRecordBlock(key(1), GVR, slot, root(slot));
    }
    try {
      return store.checkAndRecordBlockAsync(key(1), GVR, slot, root(slot)).get(4, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  @Test
  void aSigningCommitCarriesTheRowsOfAWriterWaitingToRide() throws Exception {
    try (Database database = Database.open(DatabaseConfig.sqlite(data));
        SlashingProtection store = SlashingProtections.open(database, SlashingOptions.defaults())) {
      assertTrue(store.checkAndRecordBlock(key(1), GVR, 1, root(1)).isAllowed());
      try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE riders (v TEXT)");
      }
      CompletableFuture<Boolean> ride = CompletableFuture.supplyAsync(() -> {
        try {
          return database.writeGate().ride(c -> {
            try (Statement s = c.createStatement()) {
              s.execute("INSERT INTO riders VALUES ('audit')");
            }
          }, Duration.ofSeconds(30));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      for (long slot = 2; slot < 1_000 && !ride.isDone(); slot++) {
        assertTrue(store.checkAndRecordBlock(key(1), GVR, slot, root(slot)).isAllowed());
        Thread.sleep(5);
      }
      assertTrue(ride.get(10, TimeUnit.SECONDS), "a check's commit carried it, well before the 30 s wait");
      try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM riders")) {
        rs.next();
        assertEquals(1, rs.getLong(1));
      }
    }
  }

  @Test
  void anExportThatIsStillStreamingHoldsUpNoCheck() throws Exception {
    try (Database database = Database.open(DatabaseConfig.sqlite(data));
        SlashingProtection store = SlashingProtections.open(database, SlashingOptions.defaults())) {
      assertTrue(store.checkAndRecordBlock(key(1), GVR, 1, root(1)).isAllowed());
      CountDownLatch writing = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      OutputStream slowClient = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          writing.countDown();
          try {
            release.await(); // the client reads nothing until told
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
      };
      CompletableFuture<Void> export = CompletableFuture.runAsync(() -> store.exportInterchange(slowClient, List.of()));
      try {
        assertTrue(writing.await(10, TimeUnit.SECONDS), "the export is streaming");
        CompletableFuture<Verdict> check =
            CompletableFuture.supplyAsync(() -> store.checkAndRecordBlock(key(1), GVR, 2, root(2)));
        assertTrue(check.get(10, TimeUnit.SECONDS).isAllowed(), "signing goes on meanwhile");
        assertFalse(export.isDone());
      } finally {
        release.countDown();
      }
      export.get(10, TimeUnit.SECONDS);
    }
  }
}
