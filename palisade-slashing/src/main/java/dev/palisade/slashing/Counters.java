package dev.palisade.slashing;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/** Instrumentation of database work, exposed through {@link StoreStats}. */
final class Counters {
  final AtomicLong checks = new AtomicLong();
  final AtomicLong roundTrips = new AtomicLong();
  final AtomicLong commits = new AtomicLong();
  final AtomicLong batches = new AtomicLong();
  final AtomicLong retries = new AtomicLong();
  final LongAccumulator maxBatch = new LongAccumulator(Math::max, 0);

  StoreStats snapshot() {
    return new StoreStats(
        checks.get(), roundTrips.get(), commits.get(), batches.get(), maxBatch.get(), retries.get());
  }
}
