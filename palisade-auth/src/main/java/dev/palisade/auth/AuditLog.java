package dev.palisade.auth;

import dev.palisade.store.Dialect;
import dev.palisade.store.WriteGate;
import dev.palisade.eth2.BlsPublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The append-only, hash-chained audit log: every signature and every refusal.
 *
 * <p><b>Three ways in.</b> {@link #appendAll(Connection, List)} writes inside the caller's open
 * transaction. {@link #append(List)} writes in its own transaction. {@link #appendWithNextWrite}
 * rides the next transaction another writer of this process commits through the write gate (the
 * slashing writer's group commit, on SQLite), so routine rows cost no commit of their own.
 *
 * <p><b>Ordering across instances.</b> Appenders first lock the single {@code audit_head} row
 * (PostgreSQL {@code SELECT … FOR UPDATE}; on SQLite a no-op update that takes the database write
 * lock), read the last sequence number and hash from it, insert their rows and move the head. A
 * second instance appending at the same moment waits for the first to commit, then continues from
 * its rows. The sequence number is the primary key, so even a bypassed lock could not fork the
 * chain: the second insert would fail and be retried.
 */
public final class AuditLog {
  public static final String GENESIS_HASH = "0".repeat(64);
  private static final int MAX_ATTEMPTS = 5;
  private static final String COLUMNS =
      "seq, at_ms, identity_id, operator_id, pubkey, signing_type, slot, epoch, decision, reason,"
          + " prev_hash, row_hash";

  private final DataSource dataSource;
  private final Dialect dialect;
  private final WriteGate gate;

  private AuditLog(DataSource dataSource, Dialect dialect, WriteGate gate) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.gate = gate;
  }

  /** Migrates the auth and audit tables (idempotent, shared with {@link IdentityStore}). */
  public static AuditLog open(DataSource dataSource, Dialect dialect) {
    AuthMigrations.migrate(dataSource, dialect);
    return new AuditLog(dataSource, dialect, WriteGate.none());
  }

  /**
   * This log, its own transactions ({@link #append(List)}) taking turns with the process's other
   * writers through {@code gate}; the connection is opened before the turn, so no writer waits for
   * that.
   */
  public AuditLog takingTurnsThrough(WriteGate gate) {
    return new AuditLog(dataSource, dialect, gate);
  }

  /**
   * Appends {@code entries} inside the caller's transaction on {@code connection} (auto-commit off);
   * the caller commits or rolls back. Call it last before commit: it holds the head lock until then.
   * Under PostgreSQL READ COMMITTED (the default) concurrent appenders simply wait; under REPEATABLE
   * READ or SERIALIZABLE one of them gets a serialization failure (SQLSTATE 40001) and must retry its
   * whole transaction, as for any other conflict. On SQLite the transaction should already hold
   * the write lock (it has written, or began IMMEDIATE): a transaction that has only read cannot
   * upgrade once another connection has committed, and fails with SQLITE_BUSY.
   */
  public List<AuditRecord> appendAll(Connection connection, List<AuditEntry> entries)
      throws SQLException {
    if (entries.isEmpty()) {
      return List.of();
    }
    if (connection.getAutoCommit()) {
      throw new IllegalStateException("appendAll needs a connection inside a transaction");
    }
    return appendWithin(connection, entries);
  }

  /**
   * Routine rows: written inside the next transaction another of this process's writers commits
   * through the gate (the slashing writer's, on SQLite), sharing its fsync, when one comes within
   * {@code wait}; otherwise, or if that transaction failed, in a transaction of their own ({@link
   * #append(List)}). Either way they are committed when this returns.
   */
  public void appendWithNextWrite(List<AuditEntry> entries, Duration wait) {
    try {
      if (gate.ride(c -> appendWithin(c, entries), wait)) {
        return;
      }
    } catch (SQLException e) {
      // nothing of them was committed: written on their own below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    append(entries);
  }

  /** appendAll's work in any open transaction (sqlite-jdbc reports auto-commit inside an explicit BEGIN). */
  private List<AuditRecord> appendWithin(Connection connection, List<AuditEntry> entries)
      throws SQLException {
    Head head = lockHead(connection);
    List<AuditRecord> records = new ArrayList<>(entries.size());
    long seq = head.lastSeq();
    String prev = head.lastHash();
    for (AuditEntry entry : entries) {
      AuditRecord record = AuditRecord.chain(++seq, entry, prev);
      records.add(record);
      prev = record.rowHash();
    }
    insert(connection, records);
    try (PreparedStatement ps =
        connection.prepareStatement(
            "update audit_head set last_seq = ?, last_hash = ? where id = 1")) {
      ps.setLong(1, seq);
      ps.setString(2, prev);
      ps.executeUpdate();
    }
    return records;
  }

  /** Appends in a transaction of its own, retrying on contention. */
  public List<AuditRecord> append(List<AuditEntry> entries) {
    SQLException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        gate.enter();
        try {
          List<AuditRecord> records = appendAll(c, entries);
          c.commit();
          return records;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          gate.leave();
        }
      } catch (SQLException e) {
        if (!SqlErrors.isRetryable(e)) {
          throw new AuthStoreUnavailableException("audit append failed: " + e.getMessage(), e);
        }
        last = e;
      }
    }
    throw new AuthStoreUnavailableException(
        "audit append failed after " + MAX_ATTEMPTS + " attempts: " + last.getMessage(), last);
  }

  public List<AuditRecord> append(AuditEntry entry) {
    return append(List.of(entry));
  }

  /** The last {@code n} rows, oldest first. */
  public List<AuditRecord> tail(int n) {
    return tail(n, Optional.empty());
  }

  /** The last {@code n} rows of one operator (or of all, when empty), oldest first. */
  public List<AuditRecord> tail(int n, Optional<OperatorId> operator) {
    if (n <= 0) {
      return List.of();
    }
    String where = operator.isPresent() ? " where operator_id = ?" : "";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("select " + COLUMNS + " from audit_log" + where + " order by seq desc limit ?")) {
      int index = 1;
      if (operator.isPresent()) {
        ps.setString(index++, operator.get().value());
      }
      ps.setInt(index, n);
      List<AuditRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
      Collections.reverse(out);
      return out;
    } catch (SQLException e) {
      throw new AuthStoreUnavailableException("audit read failed: " + e.getMessage(), e);
    }
  }

  /**
   * Walks the whole chain from the first row and reports the first break: a missing sequence number
   * (deleted row), a row whose contents no longer hash to its stored hash (edited row), a row whose
   * prev_hash is not its predecessor's hash (predecessor rewritten with a fresh hash, or rows
   * reordered), or a head beyond the last row (rows deleted from the end).
   */
  public ChainVerification verify() {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
      try {
        ChainVerification result = walk(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new AuthStoreUnavailableException("audit read failed: " + e.getMessage(), e);
    }
  }

  private ChainVerification walk(Connection c) throws SQLException {
    Head head = readHead(c);
    long expectedSeq = 1;
    String prevHash = GENESIS_HASH;
    long checked = 0;
    try (PreparedStatement ps =
        c.prepareStatement("select " + COLUMNS + " from audit_log order by seq")) {
      ps.setFetchSize(1000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          AuditRecord row;
          try {
            row = read(rs);
          } catch (IllegalArgumentException unreadable) {
            // e.g. a decision or key edited into something that does not even parse
            return broken(checked, rs.getLong("seq"), ChainVerification.Kind.ALTERED_ROW,
                "row " + rs.getLong("seq") + " holds a value that cannot be read back");
          }
          if (row.seq() != expectedSeq) {
            return broken(checked, expectedSeq, ChainVerification.Kind.MISSING_ROW,
                "row " + expectedSeq + " is missing (next row present is " + row.seq() + ")");
          }
          if (!row.hashMatches()) {
            return broken(checked, row.seq(), ChainVerification.Kind.ALTERED_ROW,
                "row " + row.seq() + " does not match its stored hash");
          }
          if (!row.prevHash().equals(prevHash)) {
            return broken(checked, row.seq(), ChainVerification.Kind.BROKEN_LINK,
                "row " + row.seq() + " does not link to row " + (row.seq() - 1)
                    + ", which was rewritten or moved");
          }
          prevHash = row.rowHash();
          expectedSeq++;
          checked++;
        }
      }
    }
    long lastSeq = expectedSeq - 1;
    if (head.lastSeq() != lastSeq || !head.lastHash().equals(prevHash)) {
      return broken(checked, lastSeq + 1, ChainVerification.Kind.TRUNCATED_TAIL,
          "the chain's head is row " + head.lastSeq() + " but the last intact row is " + lastSeq);
    }
    return new ChainVerification(checked, Optional.empty());
  }

  private static ChainVerification broken(
      long checked, long seq, ChainVerification.Kind kind, String detail) {
    return new ChainVerification(
        checked, Optional.of(new ChainVerification.Break(seq, kind, detail)));
  }

  private record Head(long lastSeq, String lastHash) {}

  private Head lockHead(Connection c) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      // SQLite has no row locks: writing first takes the database write lock for this transaction.
      try (PreparedStatement ps =
          c.prepareStatement("update audit_head set last_seq = last_seq where id = 1")) {
        ps.executeUpdate();
      }
      return readHead(c);
    }
    try (PreparedStatement ps =
            c.prepareStatement("select last_seq, last_hash from audit_head where id = 1 for update");
        ResultSet rs = ps.executeQuery()) {
      return head(rs);
    }
  }

  private static Head readHead(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("select last_seq, last_hash from audit_head where id = 1");
        ResultSet rs = ps.executeQuery()) {
      return head(rs);
    }
  }

  private static Head head(ResultSet rs) throws SQLException {
    if (!rs.next()) {
      throw new SQLException("audit_head row is missing");
    }
    return new Head(rs.getLong(1), rs.getString(2));
  }

  private static void insert(Connection c, List<AuditRecord> records) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into audit_log (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (AuditRecord r : records) {
        AuditEntry e = r.entry();
        ps.setLong(1, r.seq());
        ps.setLong(2, e.time().toEpochMilli());
        ps.setString(3, e.identity());
        ps.setString(4, e.operator());
        ps.setString(5, e.key() == null ? null : e.key().toHex());
        ps.setString(6, e.signingType());
        setNullableLong(ps, 7, e.slot());
        setNullableLong(ps, 8, e.epoch());
        ps.setString(9, e.decision().wireName());
        ps.setString(10, e.reason());
        ps.setString(11, r.prevHash());
        ps.setString(12, r.rowHash());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void setNullableLong(PreparedStatement ps, int index, Long value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }

  private static AuditRecord read(ResultSet rs) throws SQLException {
    String pubkey = rs.getString("pubkey");
    AuditEntry entry =
        new AuditEntry(
            Instant.ofEpochMilli(rs.getLong("at_ms")),
            rs.getString("identity_id"),
            rs.getString("operator_id"),
            pubkey == null ? null : BlsPublicKey.fromHex(pubkey),
            rs.getString("signing_type"),
            nullableLong(rs, "slot"),
            nullableLong(rs, "epoch"),
            AuditDecision.parse(rs.getString("decision")),
            rs.getString("reason"));
    return new AuditRecord(
        rs.getLong("seq"), entry, rs.getString("prev_hash"), rs.getString("row_hash"));
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
