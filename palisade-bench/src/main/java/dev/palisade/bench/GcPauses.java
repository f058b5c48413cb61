package dev.palisade.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

/**
 * How long this JVM's threads (the node runs in it) were stopped, from JFR's safepoint events: each safepoint
 * from the moment the JVM begins to stop the threads (SafepointBegin's start) until they run again (SafepointEnd's
 * end), with the VM operation it ran. A GC
 * pause is a safepoint whose operation belongs to the collector (ZMarkStart, G1CollectForAllocation, …); its
 * length here is what a request waits, which can be far longer than the collector's own timer says when the VM
 * thread shares two busy cores. Other safepoints (Cleanup, deoptimisation, …) are counted apart.
 */
final class GcPauses implements AutoCloseable {
  private static final long FLUSH_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** ZGC's causes for a collection once it runs on its own statistics (not Warmup, System.gc(), Metadata…). */
  private static final Set<String> STEADY_STATE_CAUSES =
      Set.of("High Usage", "Allocation Rate", "Allocation Stall", "Proactive", "Timer");

  /** A safepoint: when it ended (System.nanoTime), how long it lasted, whether a collector ran in it. */
  private record Stop(long endNanos, long durationNanos, boolean gc) {}

  private final RecordingStream stream = new RecordingStream();
  private final Map<Long, String> operations = new ConcurrentHashMap<>();
  private final Map<Long, Instant> ends = new ConcurrentHashMap<>();
  private final List<RecordedEvent> unmatched = new ArrayList<>();
  private final List<Stop> stops = new ArrayList<>();

  /** A collection (for ZGC a whole concurrent cycle, pauses and concurrent phases): when it ended, how long, why. */
  private record Cycle(long endNanos, long durationNanos, String cause) {}

  private final List<Cycle> cycles = new ArrayList<>();
  private final long nanosMinusEpochNanos = System.nanoTime() - epochNanos(Instant.now());
  private volatile long flushedAtNanos;

  GcPauses() {
    stream.enable("jdk.SafepointBegin").withoutThreshold();
    stream.enable("jdk.SafepointEnd").withoutThreshold();
    stream.enable("jdk.ExecuteVMOperation").withoutThreshold();
    stream.enable("jdk.GarbageCollection").withoutThreshold();
    stream.onEvent("jdk.GarbageCollection", e -> {
      synchronized (stops) {
        cycles.add(new Cycle(epochNanos(e.getEndTime()) + nanosMinusEpochNanos, e.getDuration().toNanos(), e.getString("cause")));
      }
    });
    stream.onEvent("jdk.SafepointEnd", e -> ends.put(e.getLong("safepointId"), e.getEndTime()));
    stream.onEvent("jdk.ExecuteVMOperation", e -> {
      if (e.getBoolean("safepoint")) operations.put(e.getLong("safepointId"), e.getString("operation"));
    });
    stream.onEvent("jdk.SafepointBegin", e -> {
      synchronized (stops) {
        unmatched.add(e);
      }
    });
    stream.onFlush(() -> {
      long now = System.nanoTime();
      synchronized (stops) {
        unmatched.removeIf(this::matched);
      }
      flushedAtNanos = now;
    });
    stream.startAsync();
  }

  /**
   * Records a safepoint (from its begin event's start to its end event's end) once its end and operation are
   * known; one still missing either is recorded as far as known after a while.
   */
  private boolean matched(RecordedEvent begin) {
    long id = begin.getLong("safepointId");
    Instant endTime = ends.get(id);
    String operation = operations.get(id);
    boolean late = System.nanoTime() - (epochNanos(begin.getEndTime()) + nanosMinusEpochNanos) > FLUSH_WAIT_NANOS;
    if ((endTime == null || operation == null) && !late) {
      return false;
    }
    ends.remove(id);
    operations.remove(id);
    Instant last = endTime != null ? endTime : begin.getEndTime();
    long end = epochNanos(last) + nanosMinusEpochNanos;
    stops.add(new Stop(end, epochNanos(last) - epochNanos(begin.getStartTime()), operation != null && isGc(operation)));
    return true;
  }

  /**
   * Whether ZGC's heap is still growing into memory the process has never touched. Until the heap first fills,
   * every new page of it is a page fault and a page cleared by the kernel on the allocating thread (on the bench's
   * VM ~13 % of the machine at half load, {@code clear_page_erms} under {@code shmem_fault}); after it, the
   * collector hands out pages it has freed. ZGC first runs its start-up (Warmup) collections at 10, 20 and 30 % of
   * the heap used, then collects by its own rules (High Usage, Allocation Rate) when the heap nears full: the first
   * such collection marks the heap grown. A node that runs for days has this behind it within its first minutes
   * under load; the bench lets the first store's warm-up run until it is done.
   */
  boolean heapStillGrowing() {
    if (!collectors().contains("ZGC")) return false;
    synchronized (stops) {
      return cycles.stream().noneMatch(c -> STEADY_STATE_CAUSES.contains(c.cause()));
    }
  }

  static boolean isGc(String operation) {
    return operation.startsWith("Z") || operation.startsWith("G1") || operation.startsWith("ParallelGC")
        || operation.startsWith("GenCollect") || operation.startsWith("CollectFor") || operation.startsWith("Shenandoah");
  }

  static String collectors() {
    return String.join(", ", ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList());
  }

  /**
   * GC pauses (count, total, longest, over 1 ms) and other safepoints over 1 ms that ended between the two
   * {@code System.nanoTime()} values, and the collections (ZGC: concurrent cycles, whose threads take CPU from the
   * node for 100-500 ms on two cores) that overlapped them; waits for JFR to deliver the events up to
   * {@code toNanos} (~1 s).
   */
  Map<String, Object> between(long fromNanos, long toNanos) {
    long deadline = System.nanoTime() + FLUSH_WAIT_NANOS;
    while (flushedAtNanos < toNanos && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    long count = 0;
    long total = 0;
    long max = 0;
    long over1 = 0;
    long otherOver1 = 0;
    long otherMax = 0;
    long cycleCount = 0;
    long cycleNanos = 0;
    Set<String> causes = new java.util.TreeSet<>();
    synchronized (stops) {
      for (Cycle c : cycles) {
        if (c.endNanos() < fromNanos || c.endNanos() - c.durationNanos() > toNanos) continue;
        cycleCount++;
        cycleNanos += c.durationNanos();
        causes.add(c.cause());
      }
      for (Stop s : stops) {
        if (s.endNanos() < fromNanos || s.endNanos() > toNanos) continue;
        if (s.gc()) {
          count++;
          total += s.durationNanos();
          max = Math.max(max, s.durationNanos());
          over1 += s.durationNanos() > 1_000_000 ? 1 : 0;
        } else {
          otherMax = Math.max(otherMax, s.durationNanos());
          otherOver1 += s.durationNanos() > 1_000_000 ? 1 : 0;
        }
      }
    }
    return Row.details("collectors", collectors(), "measuredAs", "JFR safepoints: threads stopped to running again",
        "pauses", count, "pauseTotalMs", millis(total), "pauseMaxMs", millis(max), "pausesOver1Ms", over1,
        "otherSafepointsOver1Ms", otherOver1, "otherSafepointMaxMs", millis(otherMax),
        "collections", cycleCount, "collectionMs", millis(cycleNanos), "collectionCauses", String.join(", ", causes));
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }

  private static long epochNanos(Instant t) {
    return TimeUnit.SECONDS.toNanos(t.getEpochSecond()) + t.getNano();
  }

  @Override
  public void close() {
    stream.close();
  }
}
