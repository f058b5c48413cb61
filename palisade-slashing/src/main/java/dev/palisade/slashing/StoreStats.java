package dev.palisade.slashing;

/**
 * Counters since the store was opened. A round trip is one statement (or commit) sent to the
 * database; on SQLite it is an in-process call.
 */
public record StoreStats(
    long checks, long roundTrips, long commits, long batches, long maxBatchSize, long retries) {

  public double roundTripsPerCheck() {
    return checks == 0 ? 0 : (double) roundTrips / checks;
  }

  public double commitsPerCheck() {
    return checks == 0 ? 0 : (double) commits / checks;
  }

  /** Counters accumulated between {@code earlier} and this snapshot (max batch size is kept). */
  public StoreStats since(StoreStats earlier) {
    return new StoreStats(
        checks - earlier.checks,
        roundTrips - earlier.roundTrips,
        commits - earlier.commits,
        batches - earlier.batches,
        maxBatchSize,
        retries - earlier.retries);
  }
}
