package dev.palisade.crypto;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admits key derivations only while the sum of their memory ({@link Kdf#memoryBytes()}) stays
 * within a budget. One scrypt derivation may need 256 MiB, so without this a handful of concurrent
 * imports (bulk loading, the vault importer, the Keymanager API) could exhaust the heap and kill
 * unrelated threads with OutOfMemoryError.
 *
 * <p>Admission is first come, first served: a large job at the head is not starved by small ones
 * behind it. A job larger than the whole budget is refused at once. A waiting job is refused when
 * no derivation has finished for the maximum wait: the clock restarts whenever one finishes, so a
 * long but moving queue (bulk loading thousands of keystores on many threads) never fails, while a
 * stuck one fails clearly. Both refusals are {@link KeystoreException.Kind#RESOURCE_LIMIT}; since
 * each derivation is bounded by the {@link Kdf} limits, so is every wait.
 */
public final class KdfLimiter {
  private static final long MIB = 1 << 20;

  /** Long enough to queue behind a few dozen default scrypt derivations on a small machine. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(2);

  private static final KdfLimiter SHARED =
      new KdfLimiter(defaultBudget(Runtime.getRuntime().maxMemory()), DEFAULT_MAX_WAIT);

  private final long budgetBytes;
  private final long maxWaitNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private long inUseBytes;
  private long peakBytes;
  private long finished; // derivations completed: progress for waiters

  /** Work run under an admission; it may throw what a decryption throws. */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws KeystoreException;
  }

  public KdfLimiter(long budgetBytes, Duration maxWait) {
    if (budgetBytes < 1 || maxWait.isNegative()) {
      throw new IllegalArgumentException("the budget must be positive and the wait not negative");
    }
    this.budgetBytes = budgetBytes;
    this.maxWaitNanos = maxWait.toNanos();
  }

  /** The process-wide limiter every keystore decryption goes through by default. */
  public static KdfLimiter shared() {
    return SHARED;
  }

  /** A quarter of the max heap, but always room for the largest derivation {@link Kdf} accepts. */
  static long defaultBudget(long maxHeapBytes) {
    return Math.max(maxHeapBytes / 4, Kdf.Scrypt.MAX_JOB_BYTES);
  }

  /** Runs {@code work} once {@code kdf}'s memory fits in the budget. */
  public <T> T run(Kdf kdf, Work<T> work) throws KeystoreException {
    long bytes = kdf.memoryBytes();
    acquire(kdf, bytes);
    try {
      return work.run();
    } finally {
      release(bytes);
    }
  }

  private void acquire(Kdf kdf, long bytes) throws KeystoreException {
    if (bytes > budgetBytes) {
      throw new KeystoreException(
          KeystoreException.Kind.RESOURCE_LIMIT,
          kdf + " needs " + mib(bytes) + " MiB but the decryption memory budget is "
              + mib(budgetBytes) + " MiB (a quarter of the heap by default: -Xmx raises it)");
    }
    Object ticket = new Object();
    lock.lock();
    try {
      queue.addLast(ticket);
      long remaining = maxWaitNanos;
      long seen = finished;
      while (queue.peekFirst() != ticket || inUseBytes + bytes > budgetBytes) {
        if (finished != seen) {
          seen = finished;
          remaining = maxWaitNanos;
        }
        if (remaining <= 0) {
          throw new KeystoreException(
              KeystoreException.Kind.RESOURCE_LIMIT,
              "no decryption finished in " + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos)
                  + " ms while waiting for decryption memory (" + mib(inUseBytes) + " of "
                  + mib(budgetBytes) + " MiB in use, " + (queue.size() - 1) + " waiting); try again later");
        }
        try {
          remaining = changed.awaitNanos(remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new KeystoreException(
              KeystoreException.Kind.RESOURCE_LIMIT, "interrupted while waiting for decryption memory");
        }
      }
      inUseBytes += bytes;
      peakBytes = Math.max(peakBytes, inUseBytes);
    } finally {
      queue.remove(ticket); // admitted or gave up: either way the next in line may go
      changed.signalAll();
      lock.unlock();
    }
  }

  private void release(long bytes) {
    lock.lock();
    try {
      inUseBytes -= bytes;
      finished++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public long budgetBytes() {
    return budgetBytes;
  }

  /** The most memory ever admitted at once (never above the budget; for tests and metrics). */
  public long peakBytes() {
    lock.lock();
    try {
      return peakBytes;
    } finally {
      lock.unlock();
    }
  }

  private static long mib(long bytes) {
    return (bytes + MIB - 1) / MIB;
  }
}
