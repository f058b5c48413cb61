package dev.palisade.slashing;

import dev.palisade.store.Database;
import dev.palisade.store.WriteGate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The embedded default: one SQLite file in the data directory (opened by palisade-store's {@link
 * Database}: WAL journal, synchronous=FULL, so a commit survives power loss), every write
 * transaction an explicit BEGIN IMMEDIATE (the write lock is taken
 * up front, so two connections or processes never deadlock upgrading a read lock). Several store
 * instances, even processes, may share the file: the write lock serialises them.
 */
final class SqliteStore extends JdbcStore {
  private final Database database;
  private final AutoCloseable owned;
  private Connection writer; // owned by the single writer thread
  private PreparedStatement recordAttestation; // prepared once per writer connection
  private PreparedStatement recordBlock;

  /**
   * The whole check when it records: the history row is inserted only if the watermark admits it,
   * and a trigger (migration V2) moves the watermark. The WHERE is {@link SlashingRules}' RECORDED
   * case; anything else inserts nothing and is decided by the read path.
   */
  private static final String RECORD_ATTESTATION =
      "INSERT INTO signed_attestations (validator_id, source_epoch, target_epoch, signing_root, imported)"
          + " SELECT id, ?, ?, ?, 0 FROM validators WHERE id = ? AND enabled"
          + " AND (att_target IS NULL OR (att_target < ? AND att_source <= ?))";

  private static final String RECORD_BLOCK =
      "INSERT INTO signed_blocks (validator_id, slot, signing_root, imported)"
          + " SELECT id, ?, ?, 0 FROM validators WHERE id = ? AND enabled"
          + " AND (block_slot IS NULL OR block_slot < ?)";

  /** On the node's database; closes {@code owned} (may be null) with the store. */
  SqliteStore(Database database, SlashingOptions options, AutoCloseable owned) {
    super(options);
    this.database = database;
    this.owned = owned;
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
    // The writer connection stays open: a removed or replaced file would go on taking writes on
    // the old inode, so every batch first checks the file is still the one opened (one stat).
    database.ensureUsable();
    if (writer == null) {
      Connection c = database.dataSource().getConnection();
      try (Statement s = c.createStatement()) {
        // this connection's own settings: a writer waits at most a statement timeout for the lock
        s.execute("PRAGMA busy_timeout = " + options.statementTimeout().toMillis());
        s.execute("PRAGMA foreign_keys = ON");
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      writer = c;
    }
    return writer;
  }

  @Override
  void releaseWriter(Connection c, boolean failed) {
    if (failed) {
      closeQuietly(recordAttestation);
      closeQuietly(recordBlock);
      recordAttestation = null;
      recordBlock = null;
      try {
        c.close();
      } catch (SQLException ignored) {
        // already broken
      }
      writer = null;
    }
  }

  @Override
  Connection openReader() throws SQLException {
    return database.dataSource().getConnection();
  }

  // Explicit BEGIN IMMEDIATE/COMMIT in autocommit mode: sqlite-jdbc's non-autocommit mode would
  // re-open a transaction right after each commit and hold the write lock between batches.
  @Override
  void begin(Connection c) throws SQLException {
    database.writeGate().enter();
    try {
      exec(c, "BEGIN IMMEDIATE");
    } catch (SQLException | RuntimeException e) {
      database.writeGate().leave();
      throw e;
    }
  }

  /**
   * DEFERRED: its first read fixes its snapshot of the log, and it never takes the write lock or
   * the gate, so signing goes on while an export streams.
   */
  @Override
  void beginRead(Connection c) throws SQLException {
    exec(c, "BEGIN");
  }

  /**
   * Carries the rides waiting at the gate (routine audit rows) into this commit, so they share its
   * fsync. A failed COMMIT leaves the gate to {@link #rollback}, which every caller runs on failure.
   */
  @Override
  void commit(Connection c) throws SQLException {
    WriteGate.CarriedRides rides = database.writeGate().carryRides(c);
    try {
      exec(c, "COMMIT");
    } catch (SQLException | RuntimeException e) {
      rides.failed(e);
      throw e;
    }
    database.writeGate().leave();
    rides.committed();
    counters.commits.incrementAndGet();
  }

  @Override
  void rollback(Connection c) {
    try {
      exec(c, "ROLLBACK");
    } catch (SQLException ignored) {
      // no transaction open, or connection broken: the writer discards it
    } finally {
      database.writeGate().leave();
    }
  }

  private void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      counters.roundTrips.incrementAndGet();
      s.execute(sql);
    }
  }

  /**
   * One statement per check that records (the common case); a check it does not record is then
   * read and decided with {@link SlashingRules}, as before, in the same write transaction.
   */
  @Override
  List<Verdict> checkAndRecord(Connection c, List<Check> checks) throws SQLException {
    Verdict[] verdicts = new Verdict[checks.size()];
    begin(c);
    try {
      for (int i : evaluationOrder(checks)) {
        Check check = checks.get(i);
        verdicts[i] = recordIfAllowed(c, check) ? Verdict.Allowed.RECORDED : evaluateAndRecord(c, check);
      }
      commit(c);
    } catch (SQLException | RuntimeException e) {
      rollback(c);
      throw e;
    }
    return Arrays.asList(verdicts);
  }

  private boolean recordIfAllowed(Connection c, Check check) throws SQLException {
    PreparedStatement ps;
    if (check instanceof Check.AttestationCheck a) {
      if (recordAttestation == null) {
        recordAttestation = prepare(c, RECORD_ATTESTATION);
      }
      ps = recordAttestation;
      ps.setLong(1, Uint64Column.encode(a.sourceEpoch()));
      ps.setLong(2, Uint64Column.encode(a.targetEpoch()));
      ps.setBytes(3, a.signingRoot().toArray());
      ps.setLong(4, a.validatorId());
      ps.setLong(5, Uint64Column.encode(a.targetEpoch()));
      ps.setLong(6, Uint64Column.encode(a.sourceEpoch()));
    } else {
      Check.BlockCheck b = (Check.BlockCheck) check;
      if (recordBlock == null) {
        recordBlock = prepare(c, RECORD_BLOCK);
      }
      ps = recordBlock;
      ps.setLong(1, Uint64Column.encode(b.slot()));
      ps.setBytes(2, b.signingRoot().toArray());
      ps.setLong(3, b.validatorId());
      ps.setLong(4, Uint64Column.encode(b.slot()));
    }
    counters.roundTrips.incrementAndGet();
    return ps.executeUpdate() == 1;
  }

  private static void closeQuietly(PreparedStatement ps) {
    if (ps != null) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // the connection is being discarded
      }
    }
  }

  @Override
  boolean isRetryable(SQLException e) {
    if (e instanceof SQLiteException se) {
      SQLiteErrorCode code = se.getResultCode();
      return code == SQLiteErrorCode.SQLITE_BUSY
          || code == SQLiteErrorCode.SQLITE_LOCKED
          || code.name().startsWith("SQLITE_BUSY")
          || code.name().startsWith("SQLITE_LOCKED");
    }
    return false;
  }

  @Override
  String nullSafeEquals(String column) {
    return column + " IS ?";
  }

  @Override
  String forUpdate() {
    return ""; // BEGIN IMMEDIATE already holds the database write lock
  }

  @Override
  void writerStopped() {
    if (writer != null) {
      releaseWriter(writer, true);
    }
  }

  @Override
  public void close() {
    // the writer thread releases (closes) its connection when it stops
    closeOwned(owned);
  }
}
