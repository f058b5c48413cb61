package dev.palisade.policy;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Shared counters for rate and value limits. A fixed window (rate limits) is one conditional upsert:
 * the row is created, or raised only while the new total stays within the limit, in a single statement
 * the database serialises per row. A rolling window (EVM value limits) is a sum over a ledger of spends
 * under a per-counter row lock ({@link SpendLedger}). Either way any number of instances together never
 * pass the limit.
 */
public final class CounterStore {
  private static final String ADD = "insert into policy_counter (subject, counter, window_id, total, updated_at_ms)"
      + " values (?, ?, ?, ?, ?)"
      + " on conflict (subject, counter, window_id) do update set total = policy_counter.total + excluded.total,"
      + " updated_at_ms = excluded.updated_at_ms"
      + " where policy_counter.total + excluded.total <= ?";

  /** Longer than the longest window a policy may set ({@link Fields#MAX_WINDOW}). */
  public static final Duration RETENTION = Fields.MAX_WINDOW.plusDays(1);
  private static final Duration PRUNE_EVERY = Duration.ofHours(1);

  private final DataSource dataSource;
  private final Clock clock;
  private final AtomicLong lastPruneMillis = new AtomicLong();

  public CounterStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Adds {@code amount} unless the total would pass {@code max}; true when added. */
  public boolean tryAdd(String subject, String counter, RuleOutcome.Window window, long amount, long max) {
    return tryAddAll(List.of(new RuleOutcome.Count("limit", subject, counter, window, amount, max, ""))).isEmpty();
  }

  /**
   * Adds every count, or none: in one transaction, rolled back at the first that would pass its limit
   * (returned), so a request refused by one limit uses up no other. Rows (counters and spend locks) are
   * taken in one order, so two such transactions cannot deadlock on PostgreSQL.
   */
  public Optional<RuleOutcome.Count> tryAddAll(List<RuleOutcome.Count> counts) {
    if (counts.isEmpty()) {
      return Optional.empty(); // most requests: no limit applies, so no connection and no transaction
    }
    List<RuleOutcome.Count> ordered = counts.stream()
        .sorted(Comparator.comparing(RuleOutcome.Count::subject).thenComparing(RuleOutcome.Count::counter)
            .thenComparing(count -> count.window().key()))
        .toList();
    for (RuleOutcome.Count count : ordered) {
      if (count.amount() > count.max()) {
        return Optional.of(count);
      }
    }
    pruneNowAndThen();
    return Sql.transaction(dataSource, "count against a limit", c -> {
      try (PreparedStatement add = c.prepareStatement(ADD)) {
        for (RuleOutcome.Count count : ordered) {
          boolean added;
          if (count.window() instanceof RuleOutcome.Window.Rolling rolling) {
            added = SpendLedger.tryRecord(c, count, rolling, clock.millis());
          } else {
            add.setString(1, count.subject());
            add.setString(2, count.counter());
            add.setString(3, ((RuleOutcome.Window.Fixed) count.window()).id());
            add.setLong(4, count.amount());
            add.setLong(5, clock.millis());
            add.setLong(6, count.max());
            added = add.executeUpdate() == 1;
          }
          if (!added) {
            c.rollback();
            return Optional.of(count);
          }
        }
      }
      return Optional.<RuleOutcome.Count>empty();
    });
  }

  /**
   * Deletes windows nobody counted in, and spends older, than {@link #RETENTION}: without it every epoch
   * would leave a row per key behind. Once an hour per instance, on the counting path (small indexed deletes).
   */
  private void pruneNowAndThen() {
    long now = clock.millis();
    long last = lastPruneMillis.get();
    if (now - last < PRUNE_EVERY.toMillis() || !lastPruneMillis.compareAndSet(last, now)) {
      return;
    }
    prune();
  }

  /** Deletes counters last raised, and spends made, before now minus {@link #RETENTION}; returns how many rows. */
  public int prune() {
    long before = clock.millis() - RETENTION.toMillis();
    return Sql.transaction(dataSource, "prune counters", c -> {
      try (PreparedStatement delete = c.prepareStatement("delete from policy_counter where updated_at_ms < ?")) {
        delete.setLong(1, before);
        return delete.executeUpdate() + SpendLedger.prune(c, before);
      }
    });
  }

  /** The current total in the window (0 when nothing was counted); records nothing (the dry run). */
  public long total(String subject, String counter, RuleOutcome.Window window) {
    return Sql.transaction(dataSource, "read a counter", c -> {
      if (window instanceof RuleOutcome.Window.Rolling rolling) {
        return SpendLedger.sum(c, subject, counter, rolling);
      }
      try (PreparedStatement select = c.prepareStatement(
          "select total from policy_counter where subject = ? and counter = ? and window_id = ?")) {
        select.setString(1, subject);
        select.setString(2, counter);
        select.setString(3, ((RuleOutcome.Window.Fixed) window).id());
        try (var row = select.executeQuery()) {
          return row.next() ? row.getLong(1) : 0L;
        }
      }
    });
  }
}
