package dev.palisade.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/** A fixed-capacity, thread-safe record of latencies in nanoseconds. */
final class Latencies {
  private final long[] values;
  private final AtomicInteger count = new AtomicInteger();

  Latencies(int capacity) {
    values = new long[capacity];
  }

  void record(long nanos) {
    int i = count.getAndIncrement();
    if (i < values.length) values[i] = nanos;
  }

  int count() {
    return Math.min(count.get(), values.length);
  }

  /** Percentiles in milliseconds of everything recorded so far: p50, p90, p99, max. */
  double[] percentilesMs() {
    int n = count();
    if (n == 0) return new double[] {0, 0, 0, 0};
    long[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    return new double[] {
      at(sorted, 0.50) / 1e6, at(sorted, 0.90) / 1e6, at(sorted, 0.99) / 1e6, sorted[n - 1] / 1e6
    };
  }

  private static long at(long[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
