package dev.palisade.server.audit;

import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.AuditLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends audit entries in batches on its own thread, so writing the audit log never adds a
 * database round trip to a signing request. A batch that fails is retried until it lands; entries
 * are dropped only if the queue overflows, and that is counted and logged loudly.
 */
public final class AuditWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
  private static final int MAX_BATCH = 1_000;

  private final AuditLog log;
  private final BlockingQueue<AuditEntry> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  public AuditWriter(AuditLog log, int capacity) {
    this.log = log;
    this.queue = new ArrayBlockingQueue<>(capacity);
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

  public long dropped() {
    return dropped.get();
  }

  public long written() {
    return written.get();
  }

  private void run() {
    List<AuditEntry> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        AuditEntry first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        writeUntilItLands(batch);
        written.addAndGet(batch.size());
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void writeUntilItLands(List<AuditEntry> batch) throws InterruptedException {
    long backoff = 100;
    while (true) {
      try {
        log.append(batch);
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
