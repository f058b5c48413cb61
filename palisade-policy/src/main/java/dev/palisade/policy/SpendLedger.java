package dev.palisade.policy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Rolling-window limits (EVM value): every accepted spend is a row of {@code policy_spend}, and a check
 * sums the rows of its window, so no period of the window's length ever holds more than the limit —
 * where fixed windows would let twice the limit through across a boundary. Check and record run in the
 * caller's transaction after an upsert of the counter's row in {@code policy_spend_lock}: on PostgreSQL
 * that row lock serialises every instance per (subject, counter), and under READ COMMITTED the sum that
 * follows sees every spend committed before the lock was granted; on SQLite the upsert is a write, so
 * the transaction holds the database write lock before it reads (as BEGIN IMMEDIATE would).
 */
final class SpendLedger {
  private static final String LOCK = "insert into policy_spend_lock (subject, counter, updated_at_ms) values (?, ?, ?)"
      + " on conflict (subject, counter) do update set updated_at_ms = excluded.updated_at_ms";
  // No upper bound on at_ms: a spend recorded by a request stamped later still counts (conservative).
  private static final String SUM =
      "select coalesce(sum(amount), 0) from policy_spend where subject = ? and counter = ? and at_ms > ?";
  private static final String SPEND = "insert into policy_spend (subject, counter, at_ms, amount) values (?, ?, ?, ?)";

  private SpendLedger() {}

  /** Records the spend if the window's sum plus it stays within max; false (nothing written but the lock) otherwise. */
  static boolean tryRecord(Connection c, RuleOutcome.Count count, RuleOutcome.Window.Rolling window, long nowMillis)
      throws SQLException {
    try (PreparedStatement lock = c.prepareStatement(LOCK)) {
      lock.setString(1, count.subject());
      lock.setString(2, count.counter());
      lock.setLong(3, nowMillis);
      lock.executeUpdate();
    }
    // each row ≤ max < 2^62 and the sum ≤ the largest limit ever applied, so this cannot overflow
    if (sum(c, count.subject(), count.counter(), window) + count.amount() > count.max()) {
      return false;
    }
    try (PreparedStatement spend = c.prepareStatement(SPEND)) {
      spend.setString(1, count.subject());
      spend.setString(2, count.counter());
      spend.setLong(3, window.at().toEpochMilli());
      spend.setLong(4, count.amount());
      spend.executeUpdate();
    }
    return true;
  }

  /** The sum of the spends after {@code at - length}. */
  static long sum(Connection c, String subject, String counter, RuleOutcome.Window.Rolling window) throws SQLException {
    try (PreparedStatement sum = c.prepareStatement(SUM)) {
      sum.setString(1, subject);
      sum.setString(2, counter);
      sum.setLong(3, window.at().toEpochMilli() - window.length().toMillis());
      try (ResultSet row = sum.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  /** Deletes spends, and lock rows nobody used, from before {@code beforeMillis}; returns how many rows. */
  static int prune(Connection c, long beforeMillis) throws SQLException {
    int deleted = 0;
    for (String sql : new String[] {"delete from policy_spend where at_ms < ?",
        "delete from policy_spend_lock where updated_at_ms < ?"}) {
      try (PreparedStatement delete = c.prepareStatement(sql)) {
        delete.setLong(1, beforeMillis);
        deleted += delete.executeUpdate();
      }
    }
    return deleted;
  }
}
