package dev.palisade.policy;

import java.sql.PreparedStatement;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * Shared counters for rate and value limits. Adding is one conditional upsert: the row is created,
 * or raised only while the new total stays within the limit, in a single statement the database
 * serialises per row, so any number of instances together never pass the limit.
 */
public final class CounterStore {
  private static final String ADD = "insert into policy_counter (subject, counter, window_id, total, updated_at_ms)"
      + " values (?, ?, ?, ?, ?)"
      + " on conflict (subject, counter, window_id) do update set total = policy_counter.total + excluded.total,"
      + " updated_at_ms = excluded.updated_at_ms"
      + " where policy_counter.total + excluded.total <= ?";

  private final DataSource dataSource;
  private final Clock clock;

  public CounterStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Adds {@code amount} unless the total would pass {@code max}; true when added. */
  public boolean tryAdd(String subject, String counter, String window, long amount, long max) {
    if (amount > max) {
      return false;
    }
    return Sql.transaction(dataSource, "count against a limit", c -> {
      try (PreparedStatement add = c.prepareStatement(ADD)) {
        add.setString(1, subject);
        add.setString(2, counter);
        add.setString(3, window);
        add.setLong(4, amount);
        add.setLong(5, clock.millis());
        add.setLong(6, max);
        return add.executeUpdate() == 1;
      }
    });
  }

  /** The current total (0 when nothing was counted). */
  public long total(String subject, String counter, String window) {
    return Sql.transaction(dataSource, "read a counter", c -> {
      try (PreparedStatement select = c.prepareStatement(
          "select total from policy_counter where subject = ? and counter = ? and window_id = ?")) {
        select.setString(1, subject);
        select.setString(2, counter);
        select.setString(3, window);
        try (var row = select.executeQuery()) {
          return row.next() ? row.getLong(1) : 0L;
        }
      }
    });
  }
}
