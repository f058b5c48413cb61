package dev.palisade.slashing;

import static dev.palisade.slashing.TestData.GVR;
import static dev.palisade.slashing.TestData.key;
import static dev.palisade.slashing.TestData.root;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.eth2.BlsPublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The check statements over a history that grew after the writers first ran them. A plan PostgreSQL cached
 * while signed_attestations was empty read the whole table on every later batch (a hashed SubPlan over a
 * sequential scan): 127 M rows read in one bench run, the two writer backends on 1.6 of the 2 cores. The
 * writers' sessions plan once and keep their plans for at most a second ({@link PostgresWriterSessions}):
 * after that, checks must read the grown tables by index.
 *
 * <p>Rows read are counted once the store is closed: PostgreSQL 14 sends a backend's counts when it next
 * goes idle at least 0.5 s after its last report, or when it exits, so counts taken while the writers' sessions
 * live may still lack their latest reads.
 */
class PostgresBatchPlanTest {

  @Test
  void batchesAfterTheHistoryGrewReadItByIndexOnly() throws Exception {
    String url = SharedPostgres.newDatabase();
    try (SlashingProtection store = SlashingProtections.postgres(url, "postgres", "postgres");
        Connection c = DriverManager.getConnection(url, "postgres", "postgres");
        Statement sql = c.createStatement()) {
      List<BlsPublicKey> keys = new ArrayList<>();
      for (int i = 0; i < 64; i++) keys.add(key(7000 + i));
      store.registerValidators(keys);
      store.pinGenesisValidatorsRoot(GVR);
      // no autovacuum: the statistics stay those of the empty table, as in the first minutes of a node
      sql.execute("alter table signed_attestations set (autovacuum_enabled = false)");
      sql.execute("analyze signed_attestations");
      StoreStats before = store.stats();
      for (long epoch = 1; epoch <= 3; epoch++) burst(store, keys, epoch); // the writers plan the statements
      sql.execute("insert into signed_attestations (validator_id, source_epoch, target_epoch, signing_root, imported)"
          + " select v.id, e - 1, e, decode(lpad(to_hex(e), 64, '0'), 'hex'), true"
          + " from validators v, generate_series(100, 1700) e");
      Thread.sleep(TimeUnit.NANOSECONDS.toMillis(PostgresWriterSessions.PLAN_LIFETIME_NANOS) + 200);
      for (long epoch = 2_000; epoch < 2_020; epoch++) burst(store, keys, epoch);
      StoreStats batches = store.stats().since(before);
      assertTrue(batches.maxBatchSize() > 1, "the bursts formed batches: " + batches);
      store.close();
      long read = sequentiallyRead(sql, "signed_attestations");
      assertTrue(read < 100_000, "23 bursts read " + read + " rows of signed_attestations sequentially (102,464 rows)");
    }
  }

  @Test
  void loneChecksAfterTheHistoryGrewReadItByIndexOnly() throws Exception {
    String url = SharedPostgres.newDatabase();
    try (SlashingProtection store = SlashingProtections.postgres(url, "postgres", "postgres");
        Connection c = DriverManager.getConnection(url, "postgres", "postgres");
        Statement sql = c.createStatement()) {
      BlsPublicKey k = key(8000);
      store.registerValidators(List.of(k));
      store.pinGenesisValidatorsRoot(GVR);
      sql.execute("alter table signed_attestations set (autovacuum_enabled = false)");
      sql.execute("alter table signed_blocks set (autovacuum_enabled = false)");
      sql.execute("analyze");
      for (long n = 1; n <= 12; n++) { // one at a time: the single-check statements, plans cached
        assertTrue(store.checkAndRecordAttestation(k, GVR, n - 1, n, root(n)).isAllowed());
        assertTrue(store.checkAndRecordBlock(k, GVR, n, root(n)).isAllowed());
      }
      sql.execute("insert into validators (public_key, enabled) select decode(lpad(to_hex(g), 96, '0'), 'hex'), true"
          + " from generate_series(1, 2000) g");
      sql.execute("insert into signed_attestations (validator_id, source_epoch, target_epoch, signing_root, imported)"
          + " select v.id, e - 1, e, decode(lpad(to_hex(e), 64, '0'), 'hex'), true"
          + " from validators v, generate_series(100, 150) e");
      sql.execute("insert into signed_blocks (validator_id, slot, signing_root, imported)"
          + " select v.id, e, decode(lpad(to_hex(e), 64, '0'), 'hex'), true from validators v, generate_series(100, 150) e");
      Thread.sleep(TimeUnit.NANOSECONDS.toMillis(PostgresWriterSessions.PLAN_LIFETIME_NANOS) + 200);
      for (long n = 1_000; n < 1_020; n++) {
        assertTrue(store.checkAndRecordAttestation(k, GVR, n - 1, n, root(n)).isAllowed());
        assertTrue(store.checkAndRecordBlock(k, GVR, n, root(n)).isAllowed());
      }
      store.close();
      long read = sequentiallyRead(sql, "signed_attestations") + sequentiallyRead(sql, "signed_blocks");
      assertTrue(read < 100_000, "64 lone checks read " + read + " history rows sequentially (~102,000 per table)");
    }
  }

  private static void burst(SlashingProtection store, List<BlsPublicKey> keys, long epoch) throws Exception {
    List<CompletableFuture<Verdict>> inFlight = new ArrayList<>();
    for (BlsPublicKey k : keys) inFlight.add(store.checkAndRecordAttestationAsync(k, GVR, epoch - 1, epoch, root(epoch)));
    for (CompletableFuture<Verdict> f : inFlight) assertTrue(f.get().isAllowed());
  }

  /** Rows of {@code table} read by sequential scans so far, as reported by backends that exited. */
  private static long sequentiallyRead(Statement sql, String table) throws Exception {
    Thread.sleep(1_500);
    sql.execute("select pg_stat_clear_snapshot()");
    try (ResultSet rs = sql.executeQuery(
        "select coalesce(seq_tup_read, 0) from pg_stat_user_tables where relname = '" + table + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
