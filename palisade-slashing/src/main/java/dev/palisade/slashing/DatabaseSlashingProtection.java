package dev.palisade.slashing;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.slashing.Check.AttestationCheck;
import dev.palisade.slashing.Check.BlockCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SlashingProtection} in front of a {@link JdbcStore}: group commit, genesis root
 * pinning, lazy validator registration, timeouts, health.
 *
 * <p>Group commit: callers enqueue checks; writer threads drain the queue and evaluate everything
 * waiting (up to {@code maxBatchSize}) in one transaction with one commit, then complete each
 * caller's future. Under load many signatures share one fsync; alone, a request pays one commit.
 * Every other write (import, registration, enable/disable, pruning) also runs on a writer thread,
 * between batches, which is what SQLite's single connection needs.
 */
final class DatabaseSlashingProtection implements SlashingProtection {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseSlashingProtection.class);
  private static final int MAX_ATTEMPTS = 4;
  private static final long HEALTH_CACHE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final JdbcStore store;
  private final SlashingOptions options;
  private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  private final ReentrantLock drainLock = new ReentrantLock();
  private final List<Thread> writers = new ArrayList<>();
  private final Map<BlsPublicKey, Long> validatorIds = new ConcurrentHashMap<>();
  private final ExecutorService healthExecutor;
  private final Deadlines deadlines = new Deadlines();
  private final ScheduledExecutorService pruner;
  private volatile Bytes32 pinnedRoot;
  private volatile boolean closed;
  private volatile String lastWriteFailure; // null after a successful write
  private volatile HealthStatus cachedHealth;
  private volatile long cachedHealthAt;

  private sealed interface Task permits CheckTask, WorkTask {}

  private record CheckTask(Check check, CompletableFuture<Verdict> result, long deadline)
      implements Task {}

  private record WorkTask<T>(JdbcStore.SqlWork<T> work, CompletableFuture<T> result)
      implements Task {}

  DatabaseSlashingProtection(JdbcStore store, SlashingOptions options, int writerThreads) {
    this.store = store;
    this.options = options;
    for (int i = 0; i < writerThreads; i++) {
      Thread t = new Thread(this::writerLoop, "slashing-writer-" + i);
      t.setDaemon(true);
      writers.add(t);
      t.start();
    }
    healthExecutor =
        Executors.newSingleThreadExecutor(daemon("slashing-health"));
    if (options.pruneInterval() != null && options.retention() != null) {
      pruner = Executors.newSingleThreadScheduledExecutor(daemon("slashing-pruner"));
      long every = options.pruneInterval().toMillis();
      pruner.scheduleWithFixedDelay(this::pruneQuietly, every, every, TimeUnit.MILLISECONDS);
    } else {
      pruner = null;
    }
    LOG.info("slashing protection database: {}", store.description());
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  // --- signing checks ----------------------------------------------------------------------------

  // The blocking checks wait with a timed get: orTimeout would put a timer on the JDK's delayer
  // thread per check and wake it as each check completes (~1,000 wake-ups a second at half load).
  @Override
  public Verdict checkAndRecordBlock(
      BlsPublicKey key, Bytes32 genesisValidatorsRoot, long slot, Bytes32 signingRoot) {
    long deadline = deadline();
    return await(blockCheck(key, genesisValidatorsRoot, slot, signingRoot, deadline), deadline);
  }

  @Override
  public Verdict checkAndRecordAttestation(
      BlsPublicKey key, Bytes32 genesisValidatorsRoot, long sourceEpoch, long targetEpoch, Bytes32 signingRoot) {
    long deadline = deadline();
    return await(
        attestationCheck(key, genesisValidatorsRoot, sourceEpoch, targetEpoch, signingRoot, deadline), deadline);
  }

  @Override
  public CompletableFuture<Verdict> checkAndRecordBlockAsync(
      BlsPublicKey key, Bytes32 genesisValidatorsRoot, long slot, Bytes32 signingRoot) {
    long deadline = deadline();
    return withTimeout(blockCheck(key, genesisValidatorsRoot, slot, signingRoot, deadline), deadline);
  }

  @Override
  public CompletableFuture<Verdict> checkAndRecordAttestationAsync(
      BlsPublicKey key, Bytes32 genesisValidatorsRoot, long sourceEpoch, long targetEpoch, Bytes32 signingRoot) {
    long deadline = deadline();
    return withTimeout(
        attestationCheck(key, genesisValidatorsRoot, sourceEpoch, targetEpoch, signingRoot, deadline), deadline);
  }

  private CompletableFuture<Verdict> blockCheck(
      BlsPublicKey key, Bytes32 genesisValidatorsRoot, long slot, Bytes32 signingRoot, long deadline) {
    Objects.requireNonNull(key);
    Objects.requireNonNull(signingRoot);
    return check(key, genesisValidatorsRoot, deadline, id -> new BlockCheck(id, slot, signingRoot));
  }

  private CompletableFuture<Verdict> attestationCheck(BlsPublicKey key, Bytes32 genesisValidatorsRoot,
      long sourceEpoch, long targetEpoch, Bytes32 signingRoot, long deadline) {
    Objects.requireNonNull(key);
    Objects.requireNonNull(signingRoot);
    if (Long.compareUnsigned(sourceEpoch, targetEpoch) > 0) {
      return CompletableFuture.completedFuture(SlashingRules.sourceExceedsTarget(sourceEpoch, targetEpoch));
    }
    return check(
        key, genesisValidatorsRoot, deadline, id -> new AttestationCheck(id, sourceEpoch, targetEpoch, signingRoot));
  }

  private CompletableFuture<Verdict> check(
      BlsPublicKey key,
      Bytes32 genesisValidatorsRoot,
      long deadline,
      java.util.function.LongFunction<Check> checkForId) {
    Objects.requireNonNull(genesisValidatorsRoot);
    CompletableFuture<Verdict> result =
        pinnedRootFuture(genesisValidatorsRoot)
            .thenCompose(
                pinned -> {
                  if (!pinned.equals(genesisValidatorsRoot)) {
                    LOG.warn("refused a request for another network: genesis validators root {}", genesisValidatorsRoot);
                    return CompletableFuture.completedFuture(SlashingRules.genesisRootMismatch(pinned, genesisValidatorsRoot));
                  }
                  return validatorIdFuture(key).thenCompose(id -> enqueueCheck(checkForId.apply(id), deadline));
                });
    return result;
  }

  private CompletableFuture<Verdict> enqueueCheck(Check check, long deadline) {
    CompletableFuture<Verdict> f = new CompletableFuture<>();
    enqueue(new CheckTask(check, f, deadline));
    return f;
  }

  private CompletableFuture<Verdict> withTimeout(CompletableFuture<Verdict> result, long deadline) {
    return deadlines.watch(result, deadline)
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(unavailable(e)));
  }

  private CompletableFuture<Bytes32> pinnedRootFuture(Bytes32 candidate) {
    Bytes32 pinned = pinnedRoot;
    if (pinned != null) {
      return CompletableFuture.completedFuture(pinned);
    }
    return submit(c -> store.pinGenesisRoot(c, candidate))
        .thenApply(
            root -> {
              pinnedRoot = root;
              return root;
            });
  }

  private CompletableFuture<Long> validatorIdFuture(BlsPublicKey key) {
    Long id = validatorIds.get(key);
    if (id != null) {
      return CompletableFuture.completedFuture(id);
    }
    return submit(c -> store.register(c, List.of(key)))
        .thenApply(
            ids -> {
              validatorIds.putAll(ids);
              return ids.get(key);
            });
  }

  private long deadline() {
    return System.nanoTime() + options.requestTimeout().toNanos();
  }

  private Verdict await(CompletableFuture<Verdict> future, long deadline) {
    try {
      return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SlashingStoreUnavailableException("interrupted while waiting for the store", e);
    } catch (ExecutionException | TimeoutException e) {
      throw unavailable(e instanceof ExecutionException ? e.getCause() : e);
    }
  }

  private static SlashingStoreUnavailableException unavailable(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof SlashingStoreUnavailableException u) {
      return u;
    }
    if (e instanceof TimeoutException) {
      return new SlashingStoreUnavailableException(
          "the slashing protection database did not answer in time", e);
    }
    return new SlashingStoreUnavailableException(
        "the slashing protection database failed: " + e.getMessage(), e);
  }

  // --- other operations ------------------------------------------------------------------------

  @Override
  public void registerValidators(Collection<BlsPublicKey> keys) {
    List<BlsPublicKey> missing = keys.stream().filter(k -> !validatorIds.containsKey(k)).toList();
    if (!missing.isEmpty()) {
      validatorIds.putAll(awaitWork(submit(c -> store.register(c, missing))));
    }
  }

  @Override
  public void setEnabled(BlsPublicKey key, boolean enabled) {
    long id = awaitWork(validatorIdFuture(key));
    awaitWork(
        submit(
            c -> {
              store.setEnabled(c, id, enabled);
              return null;
            }));
  }

  @Override
  public Optional<Bytes32> genesisValidatorsRoot() {
    if (pinnedRoot != null) {
      return Optional.of(pinnedRoot);
    }
    Optional<Bytes32> root = awaitWork(submit(store::readGenesisRoot));
    root.ifPresent(r -> pinnedRoot = r);
    return root;
  }

  @Override
  public void pinGenesisValidatorsRoot(Bytes32 genesisValidatorsRoot) {
    Bytes32 pinned = awaitWork(pinnedRootFuture(genesisValidatorsRoot));
    if (!pinned.equals(genesisValidatorsRoot)) {
      throw new GenesisValidatorsRootMismatchException(pinned, genesisValidatorsRoot);
    }
  }

  @Override
  public void importInterchange(InputStream json) throws InterchangeException {
    importInterchange(json, List.of());
  }

  @Override
  public void importInterchange(InputStream json, Collection<BlsPublicKey> onlyKeys)
      throws InterchangeException {
    Interchange interchange = InterchangeCodec.parse(json); // fully validated before any write
    CompletableFuture<Void> done =
        submit(
            c -> {
              store.importInterchange(c, interchange, new HashSet<>(onlyKeys));
              return null;
            });
    try {
      done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SlashingStoreUnavailableException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof InterchangeException ie) {
        throw ie;
      }
      throw unavailable(e.getCause());
    }
    Bytes32 gvr = interchange.genesisValidatorsRoot();
    if (pinnedRoot == null) {
      pinnedRoot = gvr;
    }
    LOG.info("imported slashing protection data for {} validator entries", interchange.data().size());
  }

  @Override
  public void exportInterchange(OutputStream out, Collection<BlsPublicKey> keysOrEmptyForAll) {
    try (Connection c = store.openReader()) {
      store.beginRead(c); // one snapshot for the whole document
      try {
        var generator = InterchangeCodec.generator(out);
        store.export(c, generator, keysOrEmptyForAll);
        generator.close();
      } finally {
        store.rollback(c);
      }
    } catch (SQLException e) {
      throw new SlashingStoreUnavailableException("export failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public long prune() {
    return awaitWork(submit(c -> store.prune(c, options.retention())));
  }

  private void pruneQuietly() {
    try {
      long deleted = prune();
      LOG.info("pruned {} slashing protection history rows", deleted);
    } catch (RuntimeException e) {
      LOG.warn("pruning failed: {}", e.getMessage());
    }
  }

  @Override
  public HealthStatus health() {
    long now = System.nanoTime();
    HealthStatus cached = cachedHealth;
    if (cached != null && now - cachedHealthAt < HEALTH_CACHE_NANOS) {
      return cached;
    }
    HealthStatus status;
    try {
      status = CompletableFuture.supplyAsync(this::probe, healthExecutor).get(1, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      status = HealthStatus.down("slashing protection database did not answer within 1 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = HealthStatus.down("interrupted");
    } catch (ExecutionException e) {
      status = HealthStatus.down("slashing protection database: " + e.getCause().getMessage());
    }
    cachedHealth = status;
    cachedHealthAt = System.nanoTime();
    return status;
  }

  private HealthStatus probe() {
    if (closed) {
      return HealthStatus.down("slashing protection is closed");
    }
    Optional<String> replaced = store.databaseFailure();
    if (replaced.isPresent()) {
      return HealthStatus.down(replaced.get());
    }
    try (Connection c = store.openReader()) {
      store.ping(c);
    } catch (SQLException e) {
      return HealthStatus.down("slashing protection database unreachable: " + e.getMessage());
    }
    String failure = lastWriteFailure;
    if (failure != null) {
      return HealthStatus.down("last slashing protection write failed: " + failure);
    }
    return HealthStatus.up(store.description() + " is up");
  }

  @Override
  public Optional<ReplicationSafety.Status> replication() {
    if (!(store instanceof PostgresStore)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          CompletableFuture.supplyAsync(this::readReplication, healthExecutor).get(2, TimeUnit.SECONDS));
    } catch (TimeoutException e) {
      return Optional.of(ReplicationSafety.Status.unknown("database did not answer within 2 s"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(ReplicationSafety.Status.unknown("interrupted"));
    } catch (ExecutionException e) {
      return Optional.of(ReplicationSafety.Status.unknown(e.getCause().getMessage()));
    } catch (RuntimeException e) { // closed: the executor refuses
      return Optional.of(ReplicationSafety.Status.unknown(e.getMessage()));
    }
  }

  private ReplicationSafety.Status readReplication() {
    try (Connection c = store.openReader()) {
      return ReplicationSafety.assess(c);
    } catch (SQLException e) {
      return ReplicationSafety.Status.unknown("database unreachable: " + e.getMessage());
    }
  }

  @Override
  public StoreStats stats() {
    return store.counters.snapshot();
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    for (Thread t : writers) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Task left;
    while ((left = queue.poll()) != null) {
      fail(left, new SlashingStoreUnavailableException("slashing protection is closed"));
    }
    if (pruner != null) pruner.shutdownNow();
    healthExecutor.shutdownNow();
    deadlines.close();
    store.close();
  }

  // --- the writer --------------------------------------------------------------------------------

  private <T> CompletableFuture<T> submit(JdbcStore.SqlWork<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    enqueue(new WorkTask<>(work, f));
    return f;
  }

  private void enqueue(Task task) {
    if (closed) {
      fail(task, new SlashingStoreUnavailableException("slashing protection is closed"));
      return;
    }
    queue.add(task);
  }

  private <T> T awaitWork(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SlashingStoreUnavailableException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof GenesisValidatorsRootMismatchException g) throw g;
      if (cause instanceof IllegalStateException ise) throw ise;
      throw unavailable(cause);
    }
  }

  private void writerLoop() {
    while (!closed || !queue.isEmpty()) {
      List<Task> tasks;
      try {
        tasks = drain();
      } catch (InterruptedException e) {
        break;
      }
      if (!tasks.isEmpty()) {
        runTasks(tasks);
      }
    }
    store.writerStopped();
  }

  /** One work task alone, or a run of consecutive checks as a batch. */
  private List<Task> drain() throws InterruptedException {
    drainLock.lockInterruptibly();
    try {
      Task first = queue.poll(100, TimeUnit.MILLISECONDS);
      if (first == null) return List.of();
      if (first instanceof WorkTask<?>) return List.of(first);
      List<Task> batch = new ArrayList<>();
      batch.add(first);
      while (batch.size() < options.maxBatchSize() && queue.peek() instanceof CheckTask) {
        batch.add(queue.poll());
      }
      return batch;
    } finally {
      drainLock.unlock();
    }
  }

  private void runTasks(List<Task> tasks) {
    if (tasks.get(0) instanceof WorkTask<?> work) {
      runWork(work);
    } else {
      runChecks(tasks);
    }
  }

  private <T> void runWork(WorkTask<T> task) {
    for (int attempt = 1; ; attempt++) {
      Connection c = null;
      try {
        c = store.acquireWriter();
        T value = task.work().run(c);
        store.releaseWriter(c, false);
        lastWriteFailure = null;
        task.result().complete(value);
        return;
      } catch (Exception e) {
        if (c != null) store.releaseWriter(c, true);
        if (e instanceof SQLException sql && store.isRetryable(sql) && attempt < MAX_ATTEMPTS) {
          store.counters.retries.incrementAndGet();
          backoff(attempt);
          continue;
        }
        if (e instanceof SQLException) {
          lastWriteFailure = e.getMessage();
          LOG.warn("slashing protection database write failed: {}", e.getMessage());
        }
        task.result().completeExceptionally(e);
        return;
      }
    }
  }

  private void runChecks(List<Task> tasks) {
    long now = System.nanoTime();
    List<CheckTask> live = new ArrayList<>(tasks.size());
    for (Task t : tasks) {
      CheckTask ct = (CheckTask) t;
      if (ct.result().isDone() || now - ct.deadline() > 0) {
        // The caller has given up: do not record what will not be signed.
        ct.result().completeExceptionally(
            new SlashingStoreUnavailableException("timed out waiting for the store"));
      } else {
        live.add(ct);
      }
    }
    if (live.isEmpty()) return;
    List<Check> checks = live.stream().map(CheckTask::check).toList();
    for (int attempt = 1; ; attempt++) {
      Connection c = null;
      try {
        c = store.acquireWriter();
        List<Verdict> verdicts = store.checkAndRecord(c, checks);
        store.releaseWriter(c, false);
        lastWriteFailure = null;
        store.counters.checks.addAndGet(checks.size());
        store.counters.batches.incrementAndGet();
        store.counters.maxBatch.accumulate(checks.size());
        for (int i = 0; i < live.size(); i++) {
          live.get(i).result().complete(verdicts.get(i));
        }
        return;
      } catch (SQLException | RuntimeException e) {
        if (c != null) store.releaseWriter(c, true);
        boolean retryable = e instanceof SQLException sql && store.isRetryable(sql);
        if (retryable && attempt < MAX_ATTEMPTS && System.nanoTime() - live.get(0).deadline() < 0) {
          // Safe to run again even if the failed COMMIT did land: a re-run of a recorded request
          // is an identical re-sign.
          store.counters.retries.incrementAndGet();
          backoff(attempt);
          continue;
        }
        lastWriteFailure = e.getMessage();
        LOG.warn("slashing protection check failed for {} requests: {}", live.size(), e.getMessage());
        SlashingStoreUnavailableException failure =
            new SlashingStoreUnavailableException(
                "the slashing protection database failed: " + e.getMessage(), e);
        live.forEach(t -> t.result().completeExceptionally(failure));
        return;
      }
    }
  }

  private static void backoff(int attempt) {
    try {
      Thread.sleep(Math.min(200, 5L << attempt) + (long) (Math.random() * 5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void fail(Task task, RuntimeException e) {
    if (task instanceof CheckTask ct) ct.result().completeExceptionally(e);
    else if (task instanceof WorkTask<?> wt) wt.result().completeExceptionally(e);
  }
}
