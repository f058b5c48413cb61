package dev.palisade.slashing;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning for a store. Defaults fail a dead database within about two seconds.
 *
 * @param requestTimeout longest a caller waits for a durable verdict before {@link
 *     SlashingStoreUnavailableException}
 * @param connectionTimeout longest wait for a database connection
 * @param statementTimeout per-statement timeout (SQLite: busy timeout)
 * @param poolSize PostgreSQL connection pool size (at least writerThreads + 1)
 * @param writerThreads PostgreSQL group-commit writers; SQLite always uses one
 * @param maxBatchSize most checks evaluated in one transaction
 * @param retention how much history {@link SlashingProtection#prune()} keeps; null keeps everything
 * @param pruneInterval run {@code prune()} in the background at this interval; null disables it
 */
public record SlashingOptions(
    Duration requestTimeout,
    Duration connectionTimeout,
    Duration statementTimeout,
    int poolSize,
    int writerThreads,
    int maxBatchSize,
    Retention retention,
    Duration pruneInterval) {

  /**
   * Keep blocks with slot greater than or equal to (highest slot - slots) and attestations with
   * target greater than or equal to (highest target - epochs), per validator.
   */
  public record Retention(long epochs, long slots) {
    public static Retention ofEpochs(long epochs, int slotsPerEpoch) {
      return new Retention(epochs, epochs * slotsPerEpoch);
    }
  }

  public SlashingOptions {
    Objects.requireNonNull(requestTimeout);
    Objects.requireNonNull(connectionTimeout);
    Objects.requireNonNull(statementTimeout);
    if (writerThreads < 1 || maxBatchSize < 1 || poolSize < 1) {
      throw new IllegalArgumentException("writerThreads, maxBatchSize and poolSize must be >= 1");
    }
  }

  public static SlashingOptions defaults() {
    return new SlashingOptions(
        Duration.ofSeconds(3),
        Duration.ofMillis(1500),
        Duration.ofSeconds(2),
        4,
        2,
        512,
        Retention.ofEpochs(250, 32),
        null);
  }

  public SlashingOptions withRequestTimeout(Duration d) {
    return new SlashingOptions(d, connectionTimeout, statementTimeout, poolSize, writerThreads, maxBatchSize, retention, pruneInterval);
  }

  public SlashingOptions withConnectionTimeout(Duration d) {
    return new SlashingOptions(requestTimeout, d, statementTimeout, poolSize, writerThreads, maxBatchSize, retention, pruneInterval);
  }

  public SlashingOptions withStatementTimeout(Duration d) {
    return new SlashingOptions(requestTimeout, connectionTimeout, d, poolSize, writerThreads, maxBatchSize, retention, pruneInterval);
  }

  public SlashingOptions withPool(int poolSize, int writerThreads) {
    return new SlashingOptions(requestTimeout, connectionTimeout, statementTimeout, poolSize, writerThreads, maxBatchSize, retention, pruneInterval);
  }

  public SlashingOptions withMaxBatchSize(int n) {
    return new SlashingOptions(requestTimeout, connectionTimeout, statementTimeout, poolSize, writerThreads, n, retention, pruneInterval);
  }

  public SlashingOptions withRetention(Retention r) {
    return new SlashingOptions(requestTimeout, connectionTimeout, statementTimeout, poolSize, writerThreads, maxBatchSize, r, pruneInterval);
  }

  public SlashingOptions withPruneInterval(Duration d) {
    return new SlashingOptions(requestTimeout, connectionTimeout, statementTimeout, poolSize, writerThreads, maxBatchSize, retention, d);
  }

}
