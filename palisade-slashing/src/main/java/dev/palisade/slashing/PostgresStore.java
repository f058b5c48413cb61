package dev.palisade.slashing;

import dev.palisade.slashing.Check.AttestationCheck;
import dev.palisade.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL (and PostgreSQL-compatible distributed SQL) through pgjdbc and HikariCP.
 *
 * <p>Each check is ONE statement ({@link PostgresSingleCheck}): a data-modifying CTE whose conditional
 * UPDATE of the validator row carries the whole policy in its WHERE clause, followed by the history INSERT
 * of the same statement. The conditions read only the row being updated, so concurrent checks for a validator
 * serialise on that row under every isolation level: PostgreSQL READ COMMITTED re-evaluates the
 * WHERE on the newest row version after waiting for the lock; snapshot/serializable databases
 * (CockroachDB, YugabyteDB) abort one writer with 40001, and the batch is retried. No advisory
 * locks. A single check runs in autocommit (one round trip including the commit); so does a batch
 * of attestations for distinct validators, as one statement over arrays ({@link
 * PostgresAttestationBatch}); any other batch of N runs as N statements and one COMMIT.
 */
final class PostgresStore extends JdbcStore {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresStore.class);
  private static final int STALE_SNAPSHOT_RETRIES = 5;
  /** Not retryable: the record may be committed locally yet exist on no synchronous standby. */
  static final String SYNC_NOT_CONFIRMED = "58000";
  /**
   * A write (a no-op one), so its commit waits for the synchronous standbys: PostgreSQL does not
   * wait for a transaction that wrote no WAL, even with a transaction id (txid_current()).
   */
  private static final String REPLICATION_BARRIER = "UPDATE validators SET enabled = enabled WHERE id = ?";

  private final Database database;
  private final DataSource dataSource;
  private final AutoCloseable owned;
  private final PostgresWriterSessions writers;

  /**
   * On the node's database, whose pool carries the connect and socket timeouts (fail closed);
   * closes {@code owned} (may be null) with the store.
   */
  PostgresStore(Database database, SlashingOptions options, AutoCloseable owned) {
    super(options);
    this.database = database;
    this.dataSource = database.dataSource();
    this.owned = owned;
    this.writers = new PostgresWriterSessions(database, counters);
  }

  @Override
  Optional<String> databaseFailure() {
    return database.failure();
  }

  @Override
  String description() {
    return database.describe();
  }

  @Override
  Connection acquireWriter() throws SQLException {
    return writers.acquire();
  }

  @Override
  void releaseWriter(Connection c, boolean failed) {
    try {
      writers.release(c, failed);
    } catch (SQLException e) {
      LOG.debug("could not end a writer's transaction", e);
    }
  }

  @Override
  void writerStopped() {
    writers.stop();
  }

  @Override
  Connection openReader() throws SQLException {
    return dataSource.getConnection();
  }

  @Override
  void begin(Connection c) throws SQLException {
    c.setAutoCommit(false); // pgjdbc sends BEGIN with the first statement: no extra round trip
  }

  @Override
  void commit(Connection c) throws SQLException {
    counters.roundTrips.incrementAndGet();
    try {
      c.clearWarnings();
      c.commit();
      requireConfirmedCommit(c.getWarnings());
    } catch (SQLException e) {
      String state = e.getSQLState();
      if (state != null && state.startsWith("08")) {
        // The connection broke during COMMIT: it may or may not have committed.
        throw new SQLException("COMMIT outcome unknown: " + e.getMessage(), "08007", e);
      }
      throw e;
    }
    counters.commits.incrementAndGet();
    c.setAutoCommit(true);
  }

  @Override
  void rollback(Connection c) {
    try {
      c.rollback();
      c.setAutoCommit(true);
    } catch (SQLException ignored) {
      // the connection is discarded by the writer
    }
  }

  @Override
  List<Verdict> checkAndRecord(Connection c, List<Check> checks) throws SQLException {
    Verdict[] verdicts = new Verdict[checks.size()];
    if (PostgresAttestationBatch.applies(checks)) {
      return checkAttestationBatch(c, checks);
    }
    if (checks.size() == 1) {
      // Autocommit: the statement is its own transaction, one round trip including the commit.
      c.clearWarnings();
      verdicts[0] = evaluate(c, checks.get(0));
      counters.commits.incrementAndGet();
      if (verdicts[0] == Verdict.Allowed.IDENTICAL_RESIGN) {
        replicationBarrier(c, checks.get(0).validatorId());
      }
      return Arrays.asList(verdicts);
    }
    begin(c);
    try {
      c.clearWarnings();
      for (int i : evaluationOrder(checks)) {
        verdicts[i] = evaluate(c, checks.get(i));
      }
      int resign = Arrays.asList(verdicts).indexOf(Verdict.Allowed.IDENTICAL_RESIGN);
      if (resign >= 0) {
        replicationBarrier(c, checks.get(resign).validatorId());
      }
      commit(c);
    } catch (SQLException | RuntimeException e) {
      rollback(c);
      throw e;
    }
    return Arrays.asList(verdicts);
  }

  /** One round trip for the batch; a check whose explanation is stale runs again alone, as {@link #evaluate} does. */
  private List<Verdict> checkAttestationBatch(Connection c, List<Check> checks) throws SQLException {
    Verdict[] verdicts = new Verdict[checks.size()];
    c.clearWarnings();
    PostgresAttestationBatch.Outcome[] outcomes =
        PostgresAttestationBatch.run(this, c, checks, evaluationOrder(checks));
    counters.commits.incrementAndGet();
    for (int i = 0; i < verdicts.length; i++) {
      Verdict verdict = outcomes[i].explain((AttestationCheck) checks.get(i));
      if (verdict == Verdict.Allowed.RECORDED && !outcomes[i].recorded()) {
        verdict = evaluate(c, checks.get(i)); // the UPDATE saw a newer row than the snapshot
      }
      if (verdict == Verdict.Allowed.IDENTICAL_RESIGN) {
        replicationBarrier(c, checks.get(i).validatorId());
      }
      verdicts[i] = verdict;
    }
    return Arrays.asList(verdicts);
  }

  /**
   * An identical re-sign is allowed on a record found, not written: that record may have been
   * committed only locally (a cancelled wait for the synchronous standby, or a restart of the
   * primary while the standby was away). A write's commit waits until the standby holds all WAL
   * before it, so this makes the found record as durable as a new one before it is signed again.
   */
  private void replicationBarrier(Connection c, long validatorId) throws SQLException {
    try (PreparedStatement ps = prepare(c, REPLICATION_BARRIER)) {
      ps.setLong(1, validatorId);
      counters.roundTrips.incrementAndGet();
      ps.executeUpdate();
      requireConfirmedCommit(ps.getWarnings(), c.getWarnings());
    }
  }

  /**
   * PostgreSQL reports a cancelled wait for synchronous replication (a statement timeout, an
   * administrator's cancel) only as a WARNING on a commit that did succeed locally; the record may
   * exist on no standby, so it must not turn into a signature. A plain WARNING (01000) is never
   * expected on these statements, so any is treated alike, whatever the server's message language.
   */
  static void requireConfirmedCommit(SQLWarning... chains) throws SQLException {
    for (SQLWarning chain : chains) {
      for (SQLWarning w = chain; w != null; w = w.getNextWarning()) {
        if ("01000".equals(w.getSQLState()) || String.valueOf(w.getMessage()).contains("synchronous replication")) {
          throw new SQLException("commit not confirmed by a synchronous standby: " + w.getMessage(), SYNC_NOT_CONFIRMED);
        }
      }
    }
  }

  private Verdict evaluate(Connection c, Check check) throws SQLException {
    for (int attempt = 0; ; attempt++) {
      PostgresSingleCheck.Outcome outcome = PostgresSingleCheck.run(this, c, check);
      if (outcome.recorded()) {
        return Verdict.Allowed.RECORDED;
      }
      Verdict verdict = outcome.explain();
      if (verdict != Verdict.Allowed.RECORDED) {
        return verdict;
      }
      // The UPDATE saw a newer row than the statement snapshot (a concurrent commit): run again
      // so the explanation comes from the newer data. Never "allow" without a recorded row.
      if (attempt >= STALE_SNAPSHOT_RETRIES) {
        throw new SQLException("validator row kept changing under concurrent updates", "40001");
      }
      counters.retries.incrementAndGet();
    }
  }

  /** A check statement, planned as its writer session plans them (see {@link PostgresWriterSessions}). */
  PreparedStatement prepareCheck(Connection c, String sql) throws SQLException {
    return writers.prepareCheck(prepare(c, sql), c);
  }

  @Override
  boolean isRetryable(SQLException e) {
    String state = e.getSQLState();
    return state != null
        && (state.equals("40001") // serialization failure (CockroachDB/YugabyteDB: retry)
            || state.equals("40P01") // deadlock detected
            || state.startsWith("08")); // connection lost: retry once on a fresh connection
  }

  @Override
  String nullSafeEquals(String column) {
    return column + " IS NOT DISTINCT FROM ?";
  }

  @Override
  String forUpdate() {
    return " FOR UPDATE";
  }

  @Override
  public void close() {
    closeOwned(owned);
  }
}
