package dev.palisade.bench;

import dev.palisade.server.PalisadeNode;
import dev.palisade.slashing.StoreStats;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The batch endpoint's sustained rate and the 100,000-validator slot burst (issue 14). */
final class ExtraPhases {
  static final String BATCH_PATH = "/api/v1/eth2/sign/batch";
  /** Items per batch request in the batch phase, unless too few validators (see {@link #batchItems}). */
  static final int BATCH_ITEMS = 32;
  /** A 100,000-validator operator's attesters in one slot (100,000 ÷ 32 slots per epoch). */
  static final int SLOT_ATTESTERS = 3_125;

  private final int concurrency;
  private final int batchItems;
  private final Bodies bodies;

  ExtraPhases(int concurrency, int validators, Bodies bodies) {
    this.concurrency = concurrency;
    this.bodies = bodies;
    this.batchItems = batchItems(concurrency, validators);
  }

  /** At most half the validators in flight, so no validator has two epochs in flight at once. */
  static int batchItems(int concurrency, int validators) {
    return Math.max(1, Math.min(BATCH_ITEMS, validators / (2 * concurrency)));
  }

  /**
   * Closed loop of batch requests, {@link #batchItems} ATTESTATIONs each, one batch in flight per
   * connection. Connection k owns the validators v ≡ k (mod connections) and takes them in turn, epoch
   * after epoch: no validator is ever in two requests at once, so a straggling batch is never overtaken
   * by its own validator's next epoch (which anti-slashing would rightly refuse). {@code ok} counts items
   * answered 200 inside a 200 batch. {@code seq} is moved past every epoch used, for the next phase.
   */
  BenchMain.Phase batchLoop(PalisadeNode node, LoadClient http, CpuMeter cpu, String[] paths, AtomicLong seq,
      long baseEpoch, double warmupSeconds, double seconds) throws InterruptedException {
    int n = paths.length;
    int loops = Math.min(concurrency, n);
    long firstEpoch = baseEpoch + seq.get() / n;
    long[] used = new long[loops];
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    AtomicLong inFlight = new AtomicLong(loops);
    CountDownLatch drained = new CountDownLatch(1);
    long stopAt = System.nanoTime() + (long) ((warmupSeconds + seconds) * 1e9) + TimeUnit.SECONDS.toNanos(1);
    Runnable[] next = new Runnable[loops];
    for (int loop = 0; loop < loops; loop++) {
      int k = loop;
      int owned = (n - k + loops - 1) / loops;
      next[k] = () -> {
        if (System.nanoTime() >= stopAt) {
          if (inFlight.decrementAndGet() == 0) drained.countDown();
          return;
        }
        StringBuilder body = new StringBuilder(batchItems * 700).append('[');
        for (int i = 0; i < batchItems; i++) {
          long j = used[k]++;
          int v = k + loops * (int) (j % owned);
          body.append(i == 0 ? "" : ",").append("{\"identifier\":\"").append(paths[v], paths[v].lastIndexOf('/') + 1,
              paths[v].length()).append("\",\"request\":")
              .append(new String(bodies.attestationFor(v, firstEpoch + j / owned), StandardCharsets.US_ASCII)).append('}');
        }
        http.send(BATCH_PATH, body.append(']').toString().getBytes(StandardCharsets.US_ASCII), (status, answer) -> {
          int signed = status == 200 ? (answer == null ? batchItems : count(answer, "\"status\":200")) : 0;
          ok.addAndGet(signed);
          if (signed < batchItems) {
            errors.addAndGet(batchItems - signed);
            firstError.compareAndSet(null, status + " " + answer);
          }
          next[k].run();
        });
      };
    }
    for (Runnable loop : next) loop.run();
    Thread.sleep((long) (warmupSeconds * 1000));
    CpuMeter.Snapshot c0 = cpu.snapshot();
    StoreStats s0 = node.slashingProtection().stats();
    long ok0 = ok.get();
    long err0 = errors.get();
    Thread.sleep((long) (seconds * 1000));
    long ok1 = ok.get();
    long err1 = errors.get();
    StoreStats s1 = node.slashingProtection().stats();
    CpuMeter.Snapshot c1 = cpu.snapshot();
    if (!drained.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("batch requests did not drain");
    long lastEpoch = firstEpoch;
    for (int k = 0; k < loops; k++) {
      lastEpoch = Math.max(lastEpoch, firstEpoch + used[k] / ((n - k + loops - 1) / loops));
    }
    seq.set((lastEpoch + 1 - baseEpoch) * n); // the next phase starts above every epoch signed here
    return new BenchMain.Phase(ok1 - ok0, err1 - err0, firstError.get(), (c1.wallNanos() - c0.wallNanos()) / 1e9,
        cpu.between(c0, c1), s1.since(s0), c0.wallNanos());
  }

  /**
   * One slot of a 100,000-validator operator: {@code attesters} ATTESTATIONs and as many selection
   * proofs (AGGREGATION_SLOT), single requests all queued at t0. Value: time to the last answer.
   */
  BenchMain.Phase slotBurst(PalisadeNode node, LoadClient http, CpuMeter cpu, String[] paths, int attesters,
      long epoch) throws InterruptedException {
    long slot = epoch * 32 + 7;
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong last = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(2 * attesters);
    byte[] selection = Bodies.aggregationSlot(slot);
    byte[][] votes = new byte[attesters][];
    for (int v = 0; v < attesters; v++) {
      votes[v] = bodies.slotAttestation(v, slot, epoch);
    }
    System.gc();
    CpuMeter.Snapshot c0 = cpu.snapshot();
    StoreStats s0 = node.slashingProtection().stats();
    long start = System.nanoTime();
    for (int i = 0; i < 2 * attesters; i++) {
      http.send(paths[i / 2], i % 2 == 0 ? votes[i / 2] : selection, (status, error) -> {
        if (status == 200) {
          ok.incrementAndGet();
        } else {
          errors.incrementAndGet();
          firstError.compareAndSet(null, status + " " + error);
        }
        last.accumulateAndGet(System.nanoTime(), Math::max);
        done.countDown();
      });
    }
    if (!done.await(600, TimeUnit.SECONDS)) throw new IllegalStateException("slot burst did not complete");
    StoreStats s1 = node.slashingProtection().stats();
    CpuMeter.Snapshot c1 = cpu.snapshot();
    return new BenchMain.Phase(ok.get(), errors.get(), firstError.get(), (last.get() - start) / 1e9,
        cpu.between(c0, c1), s1.since(s0), start);
  }

  private static int count(String text, String needle) {
    int found = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
      found++;
    }
    return found;
  }

  /** The batch row (items/s ÷ raw) and the slot-burst row (time ÷ 1.3 × the blst floor for its signatures). */
  static java.util.List<Row> rows(BenchMain.StoreRun r, int concurrency) {
    BenchMain.Phase batch = r.batch();
    double batchRatio = batch.rate() / r.batchRaw();
    int items = batchItems(concurrency, r.validators());
    Row batchRow = new Row("batch", r.store(), BenchMain.round(batch.rate(), 0), "items/s (batches of " + items + ")",
        BenchMain.round(batchRatio, 3), "batch items/s ÷ raw (" + Math.round(r.batchRaw()) + "/s)", "≥ 0.95",
        BenchMain.status(batchRatio >= 0.95 && batch.errors() == 0),
        Row.details("path", BATCH_PATH, "itemsPerBatch", items, "batchesInFlight", concurrency,
            "seconds", BenchMain.round(batch.seconds(), 1), "errors", batch.errors(), "firstError", batch.firstError(),
            "cpu", batch.cpu().describe(), "generatorCpuShare", BenchMain.round(batch.cpu().generator(), 3)));
    BenchMain.Phase slot = r.slot();
    double floor = 2.0 * r.attesters() / r.slotRaw();
    double slotRatio = slot.seconds() / floor;
    boolean full = r.attesters() == SLOT_ATTESTERS;
    Row slotRow = new Row("slot100k", r.store(), BenchMain.round(slot.seconds(), 3),
        "s for " + r.attesters() + " attestations + " + r.attesters() + " selection proofs"
            + (full ? "" : " (scaled down: fewer validators than " + SLOT_ATTESTERS + ")"),
        BenchMain.round(slotRatio, 3), "÷ (" + 2 * r.attesters() + " × blst time ÷ cores) = ÷ " + BenchMain.round(floor, 3) + " s",
        "≤ 1.3", full ? BenchMain.status(slotRatio <= 1.3 && slot.errors() == 0) : "N/A",
        Row.details("attesters", r.attesters(), "errors", slot.errors(), "firstError", slot.firstError(),
            "cpu", slot.cpu().describe(), "generatorCpuShare", BenchMain.round(slot.cpu().generator(), 3)));
    return java.util.List.of(batchRow, slotRow);
  }
}
