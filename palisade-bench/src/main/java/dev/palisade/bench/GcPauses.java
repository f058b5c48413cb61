package dev.palisade.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Stop-the-world GC pauses of this JVM (the node runs in it), from the collectors' notifications.
 * Concurrent cycles (ZGC Cycles, G1 Concurrent GC) are not pauses and are left out. Durations come
 * in whole milliseconds: a ZGC pause (tens of microseconds) reads 0.
 */
final class GcPauses {
  private final List<long[]> pauses = new ArrayList<>(); // {end nanoTime, duration ms}

  GcPauses() {
    for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (bean instanceof NotificationEmitter emitter && isPause(bean.getName())) {
        emitter.addNotificationListener((notification, handback) -> {
          if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            synchronized (pauses) {
              pauses.add(new long[] {System.nanoTime(), info.getGcInfo().getDuration()});
            }
          }
        }, null, null);
      }
    }
  }

  static boolean isPause(String collector) {
    return !collector.contains("Cycles") && !collector.contains("Concurrent");
  }

  static String collectors() {
    return String.join(", ", ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList());
  }

  /** Count, total and longest pause ended between the two {@code System.nanoTime()} values, and those over 1 ms. */
  Map<String, Object> between(long fromNanos, long toNanos) {
    long count = 0;
    long total = 0;
    long max = 0;
    long over1 = 0;
    synchronized (pauses) {
      for (long[] p : pauses) {
        if (p[0] >= fromNanos && p[0] <= toNanos) {
          count++;
          total += p[1];
          max = Math.max(max, p[1]);
          over1 += p[1] > 1 ? 1 : 0;
        }
      }
    }
    return Row.details("collectors", collectors(), "pauses", count, "pauseTotalMs", total, "pauseMaxMs", max,
        "pausesOver1Ms", over1);
  }
}
