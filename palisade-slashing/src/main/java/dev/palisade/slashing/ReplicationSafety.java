package dev.palisade.slashing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a commit on this PostgreSQL server is durable on a standby, i.e. whether a promoted
 * standby is guaranteed to hold every slashing record Palisade was told is committed.
 *
 * <p>Reads {@code synchronous_commit} (the value for this session, so role and database settings
 * count), {@code synchronous_standby_names}, {@code pg_stat_replication} and {@code
 * pg_is_in_recovery()}. Read-only and cheap; needs {@code pg_read_all_stats} (or superuser) to see
 * the standbys' states, otherwise the answer is {@link Level#UNKNOWN}.
 */
public final class ReplicationSafety {
  /** Values of synchronous_commit that make a commit wait for the synchronous standbys. */
  private static final Set<String> WAITING_COMMIT = Set.of("on", "remote_write", "remote_apply");

  private ReplicationSafety() {}

  public enum Level {
    /** Every commit waits for at least one streaming synchronous standby: failover keeps history. */
    SYNCHRONOUS,
    /** Standbys, none synchronous: a promoted standby may lack the last committed records. */
    ASYNC_REPLICAS,
    /** No standby streams: history is as durable as this server's storage. */
    STANDALONE,
    /** Could not be read (privileges, not PostgreSQL, connected to a standby, error). */
    UNKNOWN
  }

  /** One standby as the primary sees it. {@code syncState} is null without privileges. */
  public record Standby(String applicationName, String state, String syncState) {
    boolean synchronous() {
      return "streaming".equals(state) && ("sync".equals(syncState) || "quorum".equals(syncState));
    }
  }

  /**
   * @param synchronousCommit null when unreadable
   * @param synchronousStandbyNames empty when none; null when unreadable
   * @param inRecovery true when connected to a standby (it cannot take writes)
   * @param detail one human sentence for logs and {@code /healthcheck}
   */
  public record Status(
      Level level,
      String synchronousCommit,
      String synchronousStandbyNames,
      boolean inRecovery,
      List<Standby> standbys,
      String detail) {
    public Status {
      standbys = List.copyOf(standbys);
    }

    static Status unknown(String detail) {
      return new Status(Level.UNKNOWN, null, null, false, List.of(), detail);
    }

    public long synchronousStandbys() {
      return standbys.stream().filter(Standby::synchronous).count();
    }
  }

  /** Never throws: a failure to read is {@link Level#UNKNOWN} with the reason. */
  public static Status assess(Connection c) {
    try (Statement st = c.createStatement()) {
      boolean inRecovery = single(st, "SELECT pg_is_in_recovery()::text").equals("true");
      String commit = single(st, "SHOW synchronous_commit").trim().toLowerCase(Locale.ROOT);
      String names = single(st, "SHOW synchronous_standby_names").trim();
      List<Standby> standbys = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery("SELECT application_name, state, sync_state FROM pg_stat_replication")) {
        while (rs.next()) {
          standbys.add(new Standby(rs.getString(1), rs.getString(2), rs.getString(3)));
        }
      }
      return classify(commit, names, inRecovery, standbys);
    } catch (SQLException | RuntimeException e) {
      return Status.unknown("cannot read the replication settings: " + e.getMessage());
    }
  }

  /** The decision alone, separate from the queries so every branch is testable without a cluster. */
  static Status classify(String commit, String names, boolean inRecovery, List<Standby> standbys) {
    if (inRecovery) {
      return new Status(Level.UNKNOWN, commit, names, true, standbys,
          "connected to a standby in recovery; use targetServerType=primary");
    }
    if (!standbys.isEmpty() && standbys.stream().allMatch(s -> s.state() == null)) {
      // without pg_read_all_stats the rows exist but their state columns are NULL
      return new Status(Level.UNKNOWN, commit, names, false, standbys,
          standbys.size() + " standby(s) whose state is not visible: grant pg_read_all_stats");
    }
    boolean waits = !names.isEmpty() && WAITING_COMMIT.contains(commit);
    long sync = standbys.stream().filter(Standby::synchronous).count();
    if (waits && sync > 0) {
      return new Status(Level.SYNCHRONOUS, commit, names, false, standbys,
          "commits wait for " + sync + " synchronous standby(s) (synchronous_commit=" + commit + ")");
    }
    if (!standbys.isEmpty()) {
      String why = names.isEmpty()
          ? "synchronous_standby_names is empty"
          : !WAITING_COMMIT.contains(commit)
              ? "synchronous_commit=" + commit + " does not wait for standbys"
              : "no standby is streaming as sync/quorum";
      return new Status(Level.ASYNC_REPLICAS, commit, names, false, standbys,
          standbys.size() + " standby(s), none synchronous (" + why
              + "): a promoted standby may lack the last signed records");
    }
    String detail = waits
        ? "synchronous standby configured but none connected: commits wait until one is"
        : "no standby: history is as durable as this server's storage";
    return new Status(Level.STANDALONE, commit, names, false, standbys, detail);
  }

  private static String single(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      if (!rs.next()) {
        throw new SQLException("no row from " + sql);
      }
      String value = rs.getString(1);
      return value == null ? "" : value;
    }
  }
}
