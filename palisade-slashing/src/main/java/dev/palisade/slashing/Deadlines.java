package dev.palisade.slashing;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails asynchronous checks still pending at their deadline. One thread sweeps every {@link #SWEEP_MILLIS} ms:
 * {@code CompletableFuture.orTimeout} put a timer per check on the JDK's delayer thread and woke it again as each
 * check completed, about two wake-ups per signature. A check fails at most one sweep after its deadline.
 */
final class Deadlines implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Deadlines.class);
  private static final long SWEEP_MILLIS = 20;

  private record Pending(CompletableFuture<?> future, long deadline) {}

  private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "slashing-deadlines");
    thread.setDaemon(true);
    return thread;
  });

  Deadlines() {
    sweeper.scheduleWithFixedDelay(() -> {
      try {
        sweep();
      } catch (RuntimeException e) { // a task that throws is never run again: keep sweeping
        LOG.error("sweeping slashing check deadlines failed", e);
      }
    }, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Fails {@code future} with a {@link TimeoutException} if it is still pending at {@code deadline} (nanoTime). */
  <T> CompletableFuture<T> watch(CompletableFuture<T> future, long deadline) {
    if (!future.isDone()) {
      pending.add(new Pending(future, deadline));
    }
    return future;
  }

  void sweep() {
    long now = System.nanoTime();
    for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.future().isDone()) {
        it.remove();
      } else if (now - p.deadline() >= 0) {
        p.future().completeExceptionally(new TimeoutException()); // the blocking wait's own failure, mapped alike
        it.remove();
      }
    }
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    pending.forEach(p -> p.future().completeExceptionally(
        new SlashingStoreUnavailableException("slashing protection is closed")));
    pending.clear();
  }
}
