package dev.palisade.slashing;

import static dev.palisade.slashing.TestData.GVR;
import static dev.palisade.slashing.TestData.OTHER_GVR;
import static dev.palisade.slashing.TestData.key;
import static dev.palisade.slashing.TestData.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.slashing.TransactionHook.Decided;
import dev.palisade.slashing.TransactionHook.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link TransactionHook}: it sees every decision of a batch, its rows commit atomically with
 * the slashing records, and a failing hook fails the batch closed. Run once per store.
 */
abstract class TransactionHookContractTest {
  static final BlsPublicKey A = key(1);
  static final BlsPublicKey B = key(2);

  /** A fresh empty database. */
  abstract String newDatabase();

  abstract SlashingProtection open(String database, SlashingOptions options);

  abstract Connection connect(String database) throws SQLException;

  /** An exception the store treats as a transient conflict (retries the batch). */
  abstract SQLException retryable();

  abstract String name();

  final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) c.close();
  }

  /** The test's stand-in for the audit log: one row per decision, written by the hook. */
  static final class RecordingHook implements TransactionHook {
    final List<List<Decided>> calls = Collections.synchronizedList(new ArrayList<>());
    volatile CountDownLatch entered; // counted down when a call starts, if set
    volatile CountDownLatch release; // awaited before returning, if set
    volatile Object failOn; // attachment that makes the hook throw (RuntimeException)
    final AtomicInteger retryableFailuresLeft = new AtomicInteger();
    volatile SQLException retryable;

    @Override
    public void beforeCommit(Connection connection, List<Decided> decided) throws SQLException {
      assertFalse(connection.getAutoCommit(), "inside a transaction");
      calls.add(decided);
      CountDownLatch e = entered;
      if (e != null) e.countDown();
      try (PreparedStatement ps =
          connection.prepareStatement(
              "INSERT INTO hook_log (attachment, kind, allowed, rule) VALUES (?, ?, ?, ?)")) {
        for (Decided d : decided) {
          ps.setString(1, String.valueOf(d.attachment()));
          ps.setString(2, d.kind().name());
          ps.setBoolean(3, d.isAllowed());
          ps.setString(4, d.verdict() instanceof Verdict.Refused r ? r.ruleName() : null);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      CountDownLatch r = release;
      if (r != null) {
        try {
          r.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      }
      if (retryableFailuresLeft.getAndDecrement() > 0) {
        throw retryable; // after writing: the retry must not keep these rows
      }
      Object fail = failOn;
      if (fail != null && decided.stream().anyMatch(d -> fail.equals(d.attachment()))) {
        throw new IllegalStateException("audit append failed (test)");
      }
    }
  }

  String database;
  RecordingHook hook;

  SlashingProtection openWithHook(SlashingOptions options) throws SQLException {
    database = newDatabase();
    hook = new RecordingHook();
    hook.retryable = retryable();
    SlashingProtection store = open(database, options.withTransactionHook(hook));
    toClose.add(store);
    try (Connection c = connect(database);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE hook_log (attachment VARCHAR(100) NOT NULL, kind VARCHAR(20) NOT NULL,"
              + " allowed BOOLEAN NOT NULL, rule VARCHAR(64))");
    }
    store.registerValidators(List.of(A, B));
    store.pinGenesisValidatorsRoot(GVR);
    return store;
  }

  /** attachment -> "kind allowed rule", as committed. */
  Map<String, String> hookRows() throws SQLException {
    Map<String, String> rows = new ConcurrentHashMap<>();
    try (Connection c = connect(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT attachment, kind, allowed, rule FROM hook_log")) {
      while (rs.next()) {
        String previous =
            rows.put(
                rs.getString(1),
                rs.getString(2) + " " + rs.getBoolean(3) + " " + rs.getString(4));
        if (!rs.getString(1).equals("null")) { // several requests may come without attachment
          assertNull(previous, "duplicate hook row for " + rs.getString(1));
        }
      }
    }
    return rows;
  }

  long hookRowCount() throws SQLException {
    try (Connection c = connect(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM hook_log")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Holds the (single) writer inside the hook of a first batch while {@code enqueue} runs. */
  List<CompletableFuture<Verdict>> asOneBatch(
      SlashingProtection store, java.util.function.Function<SlashingProtection, List<CompletableFuture<Verdict>>> enqueue)
      throws Exception {
    hook.entered = new CountDownLatch(1);
    hook.release = new CountDownLatch(1);
    CompletableFuture<Verdict> blocker = store.checkAndRecordBlockAsync(B, GVR, 1, root(99), "blocker");
    assertTrue(hook.entered.await(10, TimeUnit.SECONDS));
    hook.entered = null;
    List<CompletableFuture<Verdict>> futures;
    try {
      futures = enqueue.apply(store); // pinned and registered: enqueued synchronously
    } finally {
      CountDownLatch r = hook.release;
      hook.release = null;
      r.countDown();
    }
    assertTrue(blocker.get(10, TimeUnit.SECONDS).isAllowed());
    return futures;
  }

  static SlashingOptions oneWriter() {
    return SlashingOptions.defaults().withPool(4, 1).withRequestTimeout(Duration.ofSeconds(20));
  }

  // --- tests ------------------------------------------------------------------------------------

  @Test
  void hookSeesEveryDecisionOfABatchInOrderWithItsAttachmentAndVerdict() throws Exception {
    SlashingProtection store = openWithHook(oneWriter());
    List<CompletableFuture<Verdict>> futures =
        asOneBatch(
            store,
            s ->
                List.of(
                    s.checkAndRecordBlockAsync(A, GVR, 10, root(1), "x0"),
                    s.checkAndRecordBlockAsync(A, GVR, 10, root(1), "x1"),
                    s.checkAndRecordBlockAsync(A, GVR, 10, root(2), "x2"),
                    s.checkAndRecordAttestationAsync(A, GVR, 1, 2, root(3), "x3"),
                    s.checkAndRecordAttestationAsync(A, GVR, 3, 2, root(4), "x4"),
                    s.checkAndRecordBlockAsync(B, GVR, 5, root(5), "x5"),
                    s.checkAndRecordAttestationAsync(A, OTHER_GVR, 4, 5, root(6), "x6"),
                    s.checkAndRecordAttestationAsync(A, GVR, 0, 3, root(7), null)));
    List<Verdict> verdicts = new ArrayList<>();
    for (CompletableFuture<Verdict> f : futures) verdicts.add(f.get(10, TimeUnit.SECONDS));
    assertEquals(Verdict.Allowed.RECORDED, verdicts.get(0));
    assertEquals(Verdict.Allowed.IDENTICAL_RESIGN, verdicts.get(1));
    assertEquals(Rule.BLOCK_DOUBLE_PROPOSAL, refused(verdicts.get(2)).rule());
    assertEquals(Verdict.Allowed.RECORDED, verdicts.get(3));
    assertEquals(Rule.ATTESTATION_SOURCE_EXCEEDS_TARGET, refused(verdicts.get(4)).rule());
    assertEquals(Verdict.Allowed.RECORDED, verdicts.get(5));
    assertFalse(verdicts.get(6).isAllowed());
    assertFalse(verdicts.get(7).isAllowed(), "surrounds x3");

    assertEquals(2, hook.calls.size(), "the blocker's batch, then one batch with all eight");
    List<Decided> batch = hook.calls.get(1);
    assertEquals(8, batch.size());
    List<Object> attachments = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      attachments.add(batch.get(i).attachment());
      assertEquals(verdicts.get(i), batch.get(i).verdict(), "decision " + i);
    }
    assertEquals(java.util.Arrays.asList("x0", "x1", "x2", "x3", "x4", "x5", "x6", null), attachments);
    Decided block = batch.get(0);
    assertEquals(A, block.key());
    assertEquals(Kind.BLOCK, block.kind());
    assertEquals(10L, block.slot());
    assertNull(block.sourceEpoch());
    assertEquals(root(1), block.signingRoot());
    Decided backwards = batch.get(4);
    assertEquals(Kind.ATTESTATION, backwards.kind());
    assertEquals(3L, backwards.sourceEpoch());
    assertEquals(2L, backwards.targetEpoch());
    assertNull(backwards.slot());

    Map<String, String> rows = hookRows();
    assertEquals(9, rows.size());
    assertEquals("BLOCK true null", rows.get("x0"));
    assertEquals("BLOCK false block_double_proposal", rows.get("x2"));
    assertEquals("ATTESTATION false attestation_source_exceeds_target", rows.get("x4"));

    // Lone requests (the synchronous, attachment-free forms too) reach the hook as well.
    assertEquals(Verdict.Allowed.RECORDED, store.checkAndRecordBlock(A, GVR, 11, root(8), "lone"));
    assertEquals(Verdict.Allowed.RECORDED, store.checkAndRecordAttestation(B, GVR, 1, 2, root(9)));
    refused(store.checkAndRecordAttestation(B, GVR, 9, 8, root(9), "lone-backwards"));
    assertEquals(12, hookRowCount());
    assertEquals("BLOCK true null", hookRows().get("lone"));
    assertEquals("ATTESTATION false attestation_source_exceeds_target", hookRows().get("lone-backwards"));
  }

  @Test
  void throwingHookCommitsNothingAndFailsEveryCallerOfTheBatch() throws Exception {
    SlashingProtection store = openWithHook(oneWriter());
    hook.failOn = "boom";
    // Alone.
    assertThrows(
        SlashingStoreUnavailableException.class,
        () -> store.checkAndRecordBlock(A, GVR, 10, root(1), "boom"));
    // In a batch with innocent requests: they fail too (no signature without its audit row).
    List<CompletableFuture<Verdict>> futures =
        asOneBatch(
            store,
            s ->
                List.of(
                    s.checkAndRecordAttestationAsync(A, GVR, 1, 2, root(2), "innocent"),
                    s.checkAndRecordBlockAsync(A, GVR, 20, root(3), "boom"),
                    s.checkAndRecordBlockAsync(B, GVR, 30, root(4), "innocent-too")));
    for (CompletableFuture<Verdict> f : futures) {
      Exception e = assertThrows(Exception.class, () -> f.get(10, TimeUnit.SECONDS));
      assertInstanceOf(SlashingStoreUnavailableException.class, e.getCause());
    }
    assertEquals(Set.of("blocker"), hookRows().keySet(), "no hook row of a failed batch committed");

    // Nothing of the failed batches was recorded: the same requests are new, not re-signs.
    hook.failOn = null;
    assertEquals(Verdict.Allowed.RECORDED, store.checkAndRecordBlock(A, GVR, 10, root(1), "again-1"));
    assertEquals(Verdict.Allowed.RECORDED, store.checkAndRecordAttestation(A, GVR, 1, 2, root(2), "again-2"));
    // Slot 20 was never recorded, so a lower slot than 20 (but above 10) is still signable.
    assertEquals(Verdict.Allowed.RECORDED, store.checkAndRecordBlock(A, GVR, 15, root(5), "again-3"));
    assertEquals(Verdict.Allowed.RECORDED, store.checkAndRecordBlock(B, GVR, 30, root(4), "again-4"));
    assertEquals(Set.of("blocker", "again-1", "again-2", "again-3", "again-4"), hookRows().keySet());
    assertTrue(store.health().up(), "the writer survives a failing hook");
  }

  @Test
  void hookErrorIsFailClosedToo() throws Exception {
    SlashingProtection store = openWithHook(SlashingOptions.defaults());
    SlashingProtection failing =
        open(
            database,
            SlashingOptions.defaults()
                .withTransactionHook(
                    (c, d) -> {
                      throw new AssertionError("not an exception");
                    }));
    toClose.add(failing);
    assertThrows(
        SlashingStoreUnavailableException.class,
        () -> failing.checkAndRecordBlock(A, GVR, 10, root(1), "x"));
    assertThrows(
        SlashingStoreUnavailableException.class,
        () -> failing.checkAndRecordBlock(A, GVR, 10, root(1), "x"));
    assertEquals(Verdict.Allowed.RECORDED, store.checkAndRecordBlock(A, GVR, 10, root(1), "ok"));
  }

  @Test
  void retriedBatchCallsTheHookAgainAndCommitsItsRowsOnce() throws Exception {
    SlashingProtection store = openWithHook(SlashingOptions.defaults());
    StoreStats before = store.stats();
    hook.retryableFailuresLeft.set(2);
    assertEquals(Verdict.Allowed.RECORDED, store.checkAndRecordBlock(A, GVR, 10, root(1), "retried"));
    assertEquals(3, hook.calls.size(), "two failed attempts and the committed one");
    assertEquals(2, store.stats().since(before).retries());
    assertEquals(Map.of("retried", "BLOCK true null"), hookRows());
  }

  @Test
  void concurrentRequestsGiveExactlyOneHookRowPerDecisionAndStayBatched() throws Exception {
    SlashingProtection store = openWithHook(SlashingOptions.defaults());
    int threads = 64;
    int perThread = 25;
    List<BlsPublicKey> keys = new ArrayList<>();
    for (int i = 0; i < threads / 2; i++) keys.add(key(100 + i)); // two threads per key: refusals too
    store.registerValidators(keys);
    StoreStats before = store.stats();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Map<String, Boolean>>> results = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  Map<String, Boolean> decided = new java.util.HashMap<>();
                  BlsPublicKey k = keys.get(thread / 2);
                  for (int i = 0; i < perThread; i++) {
                    String attachment = "t" + thread + "-" + i;
                    long target = i + 1;
                    Verdict v =
                        store.checkAndRecordAttestation(
                            k, GVR, target - 1, target, root(thread * 1000L + i), attachment);
                    decided.put(attachment, v.isAllowed());
                  }
                  return decided;
                }));
      }
      start.countDown();
      Map<String, Boolean> all = new java.util.HashMap<>();
      for (Future<Map<String, Boolean>> f : results) all.putAll(f.get(120, TimeUnit.SECONDS));
      assertEquals(threads * perThread, all.size());

      Map<String, String> rows = hookRows(); // fails on a duplicate
      assertEquals(all.size(), rows.size(), "one hook row per decision, none lost");
      Set<String> mismatched = new HashSet<>();
      for (var e : all.entrySet()) {
        String row = rows.get(e.getKey());
        if (row == null || !row.startsWith("ATTESTATION " + e.getValue() + " ")) mismatched.add(e.getKey());
      }
      assertTrue(mismatched.isEmpty(), "hook rows disagree with verdicts: " + mismatched);
      assertTrue(all.containsValue(false) && all.containsValue(true));

      StoreStats load = store.stats().since(before);
      assertEquals(all.size(), load.checks());
      assertTrue(load.commits() < load.checks(), "group commit with a hook: " + load);
      System.out.printf(
          "[%s] hook, %d threads: %d checks, %d commits (%.3f/sig), %.3f round trips/sig, max batch %d%n",
          name(), threads, load.checks(), load.commits(), load.commitsPerCheck(),
          load.roundTripsPerCheck(), load.maxBatchSize());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void roundTripsAndCommitsPerSignatureWithAndWithoutHook() throws Exception {
    String plainDb = newDatabase();
    SlashingProtection plain = open(plainDb, SlashingOptions.defaults());
    toClose.add(plain);
    plain.pinGenesisValidatorsRoot(GVR);
    SlashingProtection hooked = openWithHook(SlashingOptions.defaults());
    StoreStats[] none = measure(plain);
    StoreStats[] with = measure(hooked);
    for (int i = 0; i < 2; i++) {
      System.out.printf(
          "[%s] %s: without hook %.3f round trips/sig, %.3f commits/sig; with hook %.3f round trips/sig"
              + " (%.3f from the hook's own statement), %.3f commits/sig%n",
          name(), i == 0 ? "lone requests" : "64 concurrent",
          none[i].roundTripsPerCheck(), none[i].commitsPerCheck(),
          with[i].roundTripsPerCheck(), (double) hookStatements(with[i], i) / with[i].checks(),
          with[i].commitsPerCheck());
    }
    assertEquals(1.0, with[0].commitsPerCheck(), "one commit per lone request, hook included");
    assertEquals(1.0, none[0].commitsPerCheck());
    if (name().equals("postgresql")) {
      assertEquals(1.0, none[0].roundTripsPerCheck(), "lone request without hook: autocommit");
      assertEquals(3.0, with[0].roundTripsPerCheck(), "statement + hook insert + COMMIT");
    }
    assertTrue(with[1].commitsPerCheck() < 0.5, "hooked batches still share commits: " + with[1]);
  }

  /** Hook statements counted: one batch insert per hook call. */
  private long hookStatements(StoreStats s, int phase) {
    return s.batches();
  }

  /** [lone requests, 64 concurrent] */
  private static StoreStats[] measure(SlashingProtection store) throws Exception {
    int keys = 64;
    List<BlsPublicKey> all = new ArrayList<>();
    for (int i = 0; i < keys; i++) all.add(key(1000 + i));
    store.registerValidators(all);
    StoreStats start = store.stats();
    for (int i = 0; i < 100; i++) {
      assertTrue(store.checkAndRecordAttestation(all.get(i % keys), GVR, i, i + 1, root(i), "s" + i).isAllowed());
    }
    StoreStats single = store.stats().since(start);
    StoreStats before = store.stats();
    for (int r = 0; r < 30; r++) {
      List<CompletableFuture<Verdict>> inFlight = new ArrayList<>();
      for (BlsPublicKey k : all) {
        long epoch = 1000 + r;
        inFlight.add(store.checkAndRecordAttestationAsync(k, GVR, epoch, epoch + 1, root(r), "c" + r));
      }
      for (CompletableFuture<Verdict> f : inFlight) assertTrue(f.get().isAllowed());
    }
    return new StoreStats[] {single, store.stats().since(before)};
  }

  static Verdict.Refused refused(Verdict v) {
    return assertInstanceOf(Verdict.Refused.class, v);
  }
}
