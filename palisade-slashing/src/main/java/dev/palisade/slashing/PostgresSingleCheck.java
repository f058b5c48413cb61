package dev.palisade.slashing;

import dev.palisade.slashing.Check.AttestationCheck;
import dev.palisade.slashing.Check.BlockCheck;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * One check as ONE statement in autocommit ({@link PostgresStore}): a data-modifying CTE whose conditional UPDATE
 * of the validator row carries the whole policy in its WHERE clause, followed by the history INSERT, and the row as
 * it was, to explain a refusal. One round trip, commit included.
 */
final class PostgresSingleCheck {
  private static final String CHECK_BLOCK =
      """
      WITH cur AS (
        SELECT enabled, block_slot, block_root FROM validators WHERE id = ?
      ), recorded AS (
        UPDATE validators SET block_slot = ?, block_root = ?
        WHERE id = ? AND enabled AND (block_slot IS NULL OR block_slot < ?)
        RETURNING id
      ), history AS (
        INSERT INTO signed_blocks (validator_id, slot, signing_root, imported)
        SELECT id, ?, ?, FALSE FROM recorded
        RETURNING validator_id
      )
      SELECT (SELECT count(*) FROM history) AS recorded_count,
             cur.enabled, cur.block_slot, cur.block_root,
             EXISTS (SELECT 1 FROM signed_blocks s WHERE s.validator_id = ? AND s.slot = ?
                     AND s.signing_root = ? AND NOT s.imported) AS identical
      FROM cur
      """;

  private static final String CHECK_ATTESTATION =
      """
      WITH cur AS (
        SELECT enabled, att_source, att_target, att_root FROM validators WHERE id = ?
      ), recorded AS (
        UPDATE validators SET att_source = ?, att_target = ?, att_root = ?
        WHERE id = ? AND enabled
          AND (att_target IS NULL OR (att_target < ? AND att_source <= ?))
        RETURNING id
      ), history AS (
        INSERT INTO signed_attestations (validator_id, source_epoch, target_epoch, signing_root, imported)
        SELECT id, ?, ?, ?, FALSE FROM recorded
        RETURNING validator_id
      )
      SELECT (SELECT count(*) FROM history) AS recorded_count,
             cur.enabled, cur.att_source, cur.att_target, cur.att_root,
             EXISTS (SELECT 1 FROM signed_attestations s WHERE s.validator_id = ?
                     AND s.target_epoch = ? AND s.source_epoch = ? AND s.signing_root = ?
                     AND NOT s.imported) AS identical
      FROM cur
      """;

  private PostgresSingleCheck() {}

  /** Whether the statement recorded the check, and else how to explain why not. */
  record Outcome(boolean recorded, Supplier<Verdict> explanation) {
    Verdict explain() {
      return explanation.get();
    }
  }

  static Outcome run(PostgresStore store, Connection c, Check check) throws SQLException {
    return check instanceof BlockCheck b ? runBlock(store, c, b) : runAttestation(store, c, (AttestationCheck) check);
  }

  private static Outcome runBlock(PostgresStore store, Connection c, BlockCheck b) throws SQLException {
    try (PreparedStatement ps = store.prepareCheck(c, CHECK_BLOCK)) {
      long id = b.validatorId();
      byte[] root = b.signingRoot().toArray();
      ps.setLong(1, id);
      Uint64Column.set(ps, 2, b.slot());
      ps.setBytes(3, root);
      ps.setLong(4, id);
      Uint64Column.set(ps, 5, b.slot());
      Uint64Column.set(ps, 6, b.slot());
      ps.setBytes(7, root);
      ps.setLong(8, id);
      Uint64Column.set(ps, 9, b.slot());
      ps.setBytes(10, root);
      return execute(store, c, ps, id,
          rs -> new ValidatorState(rs.getBoolean("enabled"), Uint64Column.get(rs, "block_slot"),
              JdbcStore.root(rs, "block_root"), null, null, null),
          (state, identical) -> SlashingRules.checkBlock(state, b.slot(), b.signingRoot(), identical));
    }
  }

  private static Outcome runAttestation(PostgresStore store, Connection c, AttestationCheck a) throws SQLException {
    try (PreparedStatement ps = store.prepareCheck(c, CHECK_ATTESTATION)) {
      long id = a.validatorId();
      byte[] root = a.signingRoot().toArray();
      ps.setLong(1, id);
      Uint64Column.set(ps, 2, a.sourceEpoch());
      Uint64Column.set(ps, 3, a.targetEpoch());
      ps.setBytes(4, root);
      ps.setLong(5, id);
      Uint64Column.set(ps, 6, a.targetEpoch());
      Uint64Column.set(ps, 7, a.sourceEpoch());
      Uint64Column.set(ps, 8, a.sourceEpoch());
      Uint64Column.set(ps, 9, a.targetEpoch());
      ps.setBytes(10, root);
      ps.setLong(11, id);
      Uint64Column.set(ps, 12, a.targetEpoch());
      Uint64Column.set(ps, 13, a.sourceEpoch());
      ps.setBytes(14, root);
      return execute(store, c, ps, id,
          rs -> new ValidatorState(rs.getBoolean("enabled"), null, null, Uint64Column.get(rs, "att_source"),
              Uint64Column.get(rs, "att_target"), JdbcStore.root(rs, "att_root")),
          (state, identical) -> SlashingRules.checkAttestation(
              state, a.sourceEpoch(), a.targetEpoch(), a.signingRoot(), identical));
    }
  }

  @FunctionalInterface
  private interface StateColumns {
    ValidatorState read(ResultSet rs) throws SQLException;
  }

  @FunctionalInterface
  private interface Rule {
    Verdict decide(ValidatorState state, boolean identical);
  }

  /** Runs the bound statement: its one row says whether it recorded, and holds the row as it was. */
  private static Outcome execute(
      PostgresStore store, Connection c, PreparedStatement ps, long id, StateColumns columns, Rule rule)
      throws SQLException {
    store.counters.roundTrips.incrementAndGet();
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("validator id " + id + " is not registered");
      }
      boolean recorded = rs.getLong("recorded_count") == 1;
      ValidatorState state = columns.read(rs);
      boolean identical = rs.getBoolean("identical");
      PostgresStore.requireConfirmedCommit(ps.getWarnings(), c.getWarnings()); // autocommit: the commit was part of it
      return new Outcome(recorded, () -> rule.decide(state, identical));
    }
  }
}
