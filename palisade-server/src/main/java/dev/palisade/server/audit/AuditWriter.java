package dev.palisade.server.audit;

import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.AuditLog;
import dev.palisade.server.http.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two ways into the audit log. {@link #submit} batches on the writer thread, so routine duties never
 * wait for a database round trip; a failing batch is retried until it lands, and entries are
 * dropped only if the queue overflows (counted and logged loudly). {@link #appendDurably} writes
 * synchronously and throws, for events that must not be answered without their row (exits,
 * deposits, key lifecycle and admin changes). Unauthenticated refusals are counted per source and
 * minute by {@link #unauthenticated(String, String)} (see {@link UnauthenticatedCounter}).
 */
public final class AuditWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
  private static final int MAX_BATCH = 1_000;
  private static final long DRAIN_COUNTS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  /**
   * At most one routine batch per 10 ms: on SQLite a batch rides the slashing writer's next commit,
   * and fewer, larger rides keep those commits short.
   */
  private static final long MIN_NANOS_BETWEEN_BATCHES = TimeUnit.MILLISECONDS.toNanos(10);
  /**
   * How long a routine batch waits for a signing commit to carry it before committing on its own:
   * an fsync and a turn at SQLite's write lock saved per batch while signing goes on.
   */
  private static final Duration RIDE_WAIT = Duration.ofMillis(20);

  /** Where rows go; {@link AuditLog#appendWithNextWrite} in production. Throws when they cannot be written. */
  @FunctionalInterface
  public interface Appender {
    void append(List<AuditEntry> entries);
  }

  private final Appender appender;
  private final BlockingQueue<AuditEntry> queue;
  private final UnauthenticatedCounter unauthenticated;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  public AuditWriter(AuditLog log, int capacity) {
    this(entries -> log.appendWithNextWrite(entries, RIDE_WAIT), capacity, Clock.systemUTC());
  }

  public AuditWriter(Appender appender, int capacity, Clock clock) {
    this.appender = appender;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.unauthenticated = new UnauthenticatedCounter(clock);
    this.thread = new Thread(this::run, "palisade-audit-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  public void submit(AuditEntry entry) {
    if (!queue.offer(entry)) {
      long lost = dropped.incrementAndGet();
      if (lost == 1 || lost % 10_000 == 0) {
        LOG.error("audit queue full: {} audit entries dropped so far", lost);
      }
    }
  }

  /**
   * Writes {@code entry} in its own transaction before returning. Call it before answering (and
   * before committing to an irreversible action where possible).
   *
   * @throws ApiException.Unavailable when the row could not be written (503 to the client)
   */
  public void appendDurably(AuditEntry entry) {
    try {
      appender.append(List.of(entry));
      written.incrementAndGet();
    } catch (RuntimeException e) {
      LOG.error("durable audit append of a {} event failed: {}", entry.signingType(), e.getMessage());
      throw new ApiException.Unavailable("the audit log cannot be written; request not completed");
    }
  }

  /** One unauthenticated refusal: counted, and written at once only if first of its kind this minute. */
  public void unauthenticated(String source, String reason) {
    AuditEntry first = unauthenticated.record(source, reason);
    if (first != null) {
      submit(first);
    }
  }

  public long dropped() {
    return dropped.get();
  }

  public long written() {
    return written.get();
  }

  /** False once the writer thread has ended, by {@link #close} or by dying. */
  public boolean isAlive() {
    return thread.isAlive();
  }

  private void run() {
    List<AuditEntry> batch = new ArrayList<>();
    long countsDrainedAt = System.nanoTime();
    long lastBatchAt = System.nanoTime() - MIN_NANOS_BETWEEN_BATCHES;
    try {
      while (running || !queue.isEmpty()) {
        AuditEntry first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first != null) {
          long wait = lastBatchAt + MIN_NANOS_BETWEEN_BATCHES - System.nanoTime();
          if (running && wait > 0 && queue.size() < MAX_BATCH - 1) {
            // one sleep, not a poll every millisecond: ~900 wake-ups a second fewer under load
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          lastBatchAt = System.nanoTime();
          batch.add(first);
          queue.drainTo(batch, MAX_BATCH - 1);
        }
        if (System.nanoTime() - countsDrainedAt >= DRAIN_COUNTS_EVERY_NANOS) {
          batch.addAll(unauthenticated.drain(false));
          countsDrainedAt = System.nanoTime();
        }
        write(batch);
      }
      write(unauthenticated.drain(true)); // the open minute too: nothing counted is lost at shutdown
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void write(List<AuditEntry> batch) throws InterruptedException {
    if (batch.isEmpty()) {
      return;
    }
    writeUntilItLands(batch);
    written.addAndGet(batch.size());
    batch.clear();
  }

  private void writeUntilItLands(List<AuditEntry> batch) throws InterruptedException {
    long backoff = 100;
    while (true) {
      try {
        appender.append(batch);
        return;
      } catch (RuntimeException e) {
        LOG.warn("audit log append failed, retrying in {} ms: {}", backoff, e.getMessage());
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
        if (!running && backoff >= 5_000) {
          LOG.error("giving up on {} audit entries at shutdown", batch.size());
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
