package dev.palisade.auth;

import dev.palisade.store.Dialect;
import dev.palisade.store.WriteGate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.palisade.eth2.BlsPublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The hash chain: appends, tail, and tampering done directly in SQL, on both databases. */
class AuditLogTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00.123456Z");

  private static List<AuditEntry> entries(int n, long seed) {
    Random random = new Random(seed);
    List<AuditEntry> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] key = new byte[48];
      random.nextBytes(key);
      boolean signed = random.nextBoolean();
      out.add(new AuditEntry(T0.plusSeconds(i), signed ? "vc-" + i % 3 : null,
          signed ? "op-a" : null, BlsPublicKey.wrap(key), signed ? "ATTESTATION" : "VOLUNTARY_EXIT",
          random.nextBoolean() ? -1L - i : (long) i, signed ? (long) i / 32 : null,
          signed ? AuditDecision.SIGNED : AuditDecision.REFUSED,
          signed ? "signed" : "missing scope sign:exit"));
    }
    return out;
  }

  private static void sql(DataSource ds, String statement) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  @Test
  void itsOwnTransactionsTakeTheirTurnThroughTheWriteGate() throws Exception {
    WriteGate gate = WriteGate.oneAtATime();
    AuditLog log = AuditLog.open(TestDatabases.fresh(Dialect.SQLITE), Dialect.SQLITE).takingTurnsThrough(gate);
    gate.enter(); // another writer of this process is in
    ExecutorService appender = Executors.newSingleThreadExecutor();
    try {
      Future<List<AuditRecord>> appended = appender.submit(() -> log.append(entries(3, 7)));
      Thread.sleep(200);
      assertFalse(appended.isDone(), "the append waits for its turn");
      gate.leave();
      assertEquals(3, appended.get(10, TimeUnit.SECONDS).size());
      assertEquals(3, log.tail(10).size());
    } finally {
      gate.leave();
      appender.shutdownNow();
    }
  }

  @Test
  void routineRowsRideAnotherWritersCommitOrCommitOnTheirOwnWhenNoneComes() throws Exception {
    WriteGate gate = WriteGate.oneAtATime();
    DataSource db = TestDatabases.fresh(Dialect.SQLITE);
    AuditLog log = AuditLog.open(db, Dialect.SQLITE).takingTurnsThrough(gate);
    ExecutorService appender = Executors.newSingleThreadExecutor();
    try (Connection carrier = db.getConnection(); Statement s = carrier.createStatement()) {
      long start = System.nanoTime();
      Future<?> riding = appender.submit(() -> log.appendWithNextWrite(entries(3, 7), Duration.ofSeconds(30)));
      Thread.sleep(100);
      assertFalse(riding.isDone(), "the rows wait for a writer to carry them");
      assertEquals(0, log.tail(10).size());
      for (int i = 0; i < 1_000 && !riding.isDone(); i++) { // a signing writer's commits
        gate.enter();
        s.execute("BEGIN IMMEDIATE");
        WriteGate.CarriedRides rides = gate.carryRides(carrier);
        s.execute("COMMIT");
        gate.leave();
        rides.committed();
        Thread.sleep(5);
      }
      riding.get(10, TimeUnit.SECONDS);
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "carried, not written after the wait");
      assertEquals(3, log.tail(10).size());
      log.appendWithNextWrite(entries(2, 20), Duration.ofMillis(50)); // no writer comes: on their own
      assertEquals(5, log.tail(10).size());
      assertTrue(log.verify().isIntact());
    } finally {
      appender.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void appendsChainAndReadBackExactly(Dialect dialect) {
    AuditLog log = AuditLog.open(TestDatabases.fresh(dialect), dialect);
    assertTrue(log.verify().isIntact());
    List<AuditEntry> written = entries(10, 1);
    log.append(written.subList(0, 4));
    log.append(written.subList(4, 10));
    List<AuditRecord> tail = log.tail(100);
    assertEquals(10, tail.size());
    assertEquals(AuditLog.GENESIS_HASH, tail.get(0).prevHash());
    for (int i = 0; i < 10; i++) {
      assertEquals(i + 1, tail.get(i).seq());
      assertEquals(written.get(i), tail.get(i).entry(), "row " + (i + 1) + " reads back as written");
      if (i > 0) {
        assertEquals(tail.get(i - 1).rowHash(), tail.get(i).prevHash());
      }
    }
    assertEquals(List.of(9L, 10L), log.tail(2).stream().map(AuditRecord::seq).toList());
    ChainVerification v = log.verify();
    assertTrue(v.isIntact(), v.toString());
    assertEquals(10, v.rowsChecked());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void deletedRowIsFoundAndNamed(Dialect dialect) throws Exception {
    DataSource ds = TestDatabases.fresh(dialect);
    AuditLog log = AuditLog.open(ds, dialect);
    log.append(entries(8, 2));
    sql(ds, "delete from audit_log where seq = 5");
    ChainVerification.Break b = log.verify().firstBreak().orElseThrow();
    assertEquals(5, b.seq());
    assertEquals(ChainVerification.Kind.MISSING_ROW, b.kind());
    assertEquals(4, log.verify().rowsChecked());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void alteredFieldsAreFoundAndNamed(Dialect dialect) throws Exception {
    DataSource ds = TestDatabases.fresh(dialect);
    AuditLog log = AuditLog.open(ds, dialect);
    log.append(entries(8, 3));
    for (String edit : List.of(
        "update audit_log set reason = 'nothing to see' where seq = 3",
        "update audit_log set decision = 'signed' where seq = 3",
        "update audit_log set slot = slot + 1 where seq = 3",
        "update audit_log set at_ms = at_ms + 1 where seq = 3",
        "update audit_log set identity_id = 'someone-else' where seq = 3",
        "update audit_log set decision = 'bogus' where seq = 3")) {
      DataSource fresh = TestDatabases.fresh(dialect);
      AuditLog copy = AuditLog.open(fresh, dialect);
      copy.append(entries(8, 3));
      sql(fresh, edit);
      ChainVerification.Break b = copy.verify().firstBreak().orElseThrow(() -> new AssertionError(edit));
      assertEquals(3, b.seq(), edit);
      assertEquals(ChainVerification.Kind.ALTERED_ROW, b.kind(), edit);
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void rewrittenRowWithRecomputedHashBreaksTheNextLink(Dialect dialect) throws Exception {
    DataSource ds = TestDatabases.fresh(dialect);
    AuditLog log = AuditLog.open(ds, dialect);
    log.append(entries(6, 4));
    AuditRecord row4 = log.tail(3).get(0);
    assertEquals(4, row4.seq());
    AuditEntry e = row4.entry();
    AuditEntry forged = new AuditEntry(e.time(), e.identity(), e.operator(), e.key(),
        e.signingType(), e.slot(), e.epoch(), e.decision(), "forged reason");
    AuditRecord recomputed = AuditRecord.chain(4, forged, row4.prevHash());
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "update audit_log set reason = ?, row_hash = ? where seq = 4")) {
      ps.setString(1, forged.reason());
      ps.setString(2, recomputed.rowHash());
      ps.executeUpdate();
    }
    ChainVerification.Break b = log.verify().firstBreak().orElseThrow();
    assertEquals(5, b.seq());
    assertEquals(ChainVerification.Kind.BROKEN_LINK, b.kind());
    assertTrue(b.detail().contains("row 4"), b.detail());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void reorderedRowsAreFound(Dialect dialect) throws Exception {
    DataSource ds = TestDatabases.fresh(dialect);
    AuditLog log = AuditLog.open(ds, dialect);
    log.append(entries(6, 5));
    sql(ds, "update audit_log set seq = 100 where seq = 2");
    sql(ds, "update audit_log set seq = 2 where seq = 3");
    sql(ds, "update audit_log set seq = 3 where seq = 100");
    ChainVerification.Break b = log.verify().firstBreak().orElseThrow();
    assertEquals(2, b.seq());
    assertEquals(ChainVerification.Kind.ALTERED_ROW, b.kind());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void deletedLastRowsAreFound(Dialect dialect) throws Exception {
    DataSource ds = TestDatabases.fresh(dialect);
    AuditLog log = AuditLog.open(ds, dialect);
    log.append(entries(6, 6));
    sql(ds, "delete from audit_log where seq >= 5");
    ChainVerification.Break b = log.verify().firstBreak().orElseThrow();
    assertEquals(ChainVerification.Kind.TRUNCATED_TAIL, b.kind());
    assertEquals(5, b.seq());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void appendAllJoinsTheCallersTransaction(Dialect dialect) throws Exception {
    DataSource ds = TestDatabases.fresh(dialect);
    AuditLog log = AuditLog.open(ds, dialect);
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      assertEquals(3, log.appendAll(c, entries(3, 7)).size());
      c.rollback(); // the slashing store's transaction failed: no audit rows either
    }
    assertEquals(0, log.tail(10).size());
    assertTrue(log.verify().isIntact());
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      log.appendAll(c, entries(3, 7));
      c.commit();
    }
    log.append(entries(2, 8));
    assertEquals(5, log.tail(10).size());
    assertTrue(log.verify().isIntact());
    try (Connection c = ds.getConnection()) {
      assertThrows(IllegalStateException.class, () -> log.appendAll(c, entries(1, 9)),
          "auto-commit connections are refused: the rows would not share the caller's commit");
    }
  }

  @Test
  void canonicalEncodingSeparatesFields() {
    AuditEntry a = new AuditEntry(T0, "ab", "c", null, null, null, null, AuditDecision.SIGNED, "x");
    AuditEntry b = new AuditEntry(T0, "a", "bc", null, null, null, null, AuditDecision.SIGNED, "x");
    AuditEntry nullSlot = new AuditEntry(T0, "a", "b", null, null, null, null, AuditDecision.SIGNED, "x");
    AuditEntry zeroSlot = new AuditEntry(T0, "a", "b", null, null, 0L, null, AuditDecision.SIGNED, "x");
    assertNotEquals(AuditRecord.computeHash(1, a, AuditLog.GENESIS_HASH),
        AuditRecord.computeHash(1, b, AuditLog.GENESIS_HASH));
    assertNotEquals(AuditRecord.computeHash(1, nullSlot, AuditLog.GENESIS_HASH),
        AuditRecord.computeHash(1, zeroSlot, AuditLog.GENESIS_HASH));
    assertNotEquals(AuditRecord.computeHash(1, a, AuditLog.GENESIS_HASH),
        AuditRecord.computeHash(2, a, AuditLog.GENESIS_HASH));
  }

  /** Two instances (two pools) appending at once on one PostgreSQL: one unbroken chain. */
  @Test
  void concurrentAppendersOnPostgresKeepOneChain() throws Exception {
    String db = TestDatabases.newPostgresDatabase();
    try (HikariDataSource poolA = TestDatabases.postgresPool(db);
        HikariDataSource poolB = TestDatabases.postgresPool(db)) {
      AuditLog a = AuditLog.open(poolA, Dialect.POSTGRESQL);
      AuditLog b = AuditLog.open(poolB, Dialect.POSTGRESQL);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        AuditLog log = t % 2 == 0 ? a : b;
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 25; i++) {
            if (i % 2 == 0) {
              log.append(entries(3, thread * 1000L + i));
            } else {
              // the group-commit path: inside a transaction with other work
              try (Connection c = (thread % 2 == 0 ? poolA : poolB).getConnection()) {
                c.setAutoCommit(false);
                log.appendAll(c, entries(2, thread * 1000L + i));
                c.commit();
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      ChainVerification v = a.verify();
      assertTrue(v.isIntact(), v.toString());
      assertEquals(4 * (13 * 3 + 12 * 2), v.rowsChecked());
    }
  }

  @Test
  void longReasonsAreCappedBeforeHashing() {
    AuditEntry e = AuditEntry.refused(T0, null, null, null, null, null, "r".repeat(5000));
    assertEquals(AuditEntry.MAX_REASON, e.reason().length());
    assertFalse(e.time().toString().contains("456"), "time is truncated to milliseconds");
  }
}
