package dev.palisade.slashing;

import dev.palisade.slashing.Check.AttestationCheck;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A group commit's attestation checks as ONE statement in autocommit: one round trip for the whole
 * batch, commit included. It is {@link PostgresStore}'s single-check statement over arrays: the
 * conditional UPDATE's WHERE carries the policy per row, so each check is decided exactly as alone.
 * Only for batches of attestations with distinct validators (an UPDATE changes a row once per
 * statement); any other batch takes the per-check path.
 */
final class PostgresAttestationBatch {
  // "identical" is a LATERAL lookup with LIMIT 1, an index probe per row. As EXISTS in the select list, a
  // plan made while signed_attestations was empty turned it into a hashed SubPlan over a sequential scan
  // of the whole table on every batch (127 M rows read in one bench run; the two writer backends took 1.6
  // of the 2 cores).
  static final String SQL =
      """
      WITH input AS (
        SELECT i.id, i.src, i.tgt, substring(?::bytea from ((i.n - 1) * 32 + 1)::int for 32) AS root, i.n
        FROM unnest(?::bigint[], ?::bigint[], ?::bigint[]) WITH ORDINALITY AS i(id, src, tgt, n)
      ), cur AS (
        SELECT v.id, v.enabled, v.att_source, v.att_target, v.att_root
        FROM validators v JOIN input ON v.id = input.id
      ), recorded AS (
        UPDATE validators v SET att_source = input.src, att_target = input.tgt, att_root = input.root
        FROM input
        WHERE v.id = input.id AND v.enabled
          AND (v.att_target IS NULL OR (v.att_target < input.tgt AND v.att_source <= input.src))
        RETURNING v.id, input.src, input.tgt, input.root
      ), history AS (
        INSERT INTO signed_attestations (validator_id, source_epoch, target_epoch, signing_root, imported)
        SELECT id, src, tgt, root, FALSE FROM recorded
        RETURNING validator_id
      )
      SELECT input.n, cur.id IS NOT NULL AS registered,
             rec.validator_id IS NOT NULL AS recorded,
             cur.enabled, cur.att_source, cur.att_target, cur.att_root,
             same.hit IS NOT NULL AS identical
      FROM input LEFT JOIN cur ON cur.id = input.id
      LEFT JOIN history rec ON rec.validator_id = input.id
      LEFT JOIN LATERAL (
        SELECT 1 AS hit FROM signed_attestations s WHERE s.validator_id = input.id
          AND s.target_epoch = input.tgt AND s.source_epoch = input.src
          AND s.signing_root = input.root AND NOT s.imported
        LIMIT 1) same ON TRUE
      ORDER BY input.n
      """;

  private PostgresAttestationBatch() {}

  /** One check's result: recorded, or the state to explain the refusal from (as the single path). */
  record Outcome(boolean recorded, ValidatorState state, boolean identical) {
    Verdict explain(AttestationCheck a) {
      return recorded ? Verdict.Allowed.RECORDED
          : SlashingRules.checkAttestation(state, a.sourceEpoch(), a.targetEpoch(), a.signingRoot(), identical);
    }
  }

  static boolean applies(List<Check> checks) {
    if (checks.size() < 2) {
      return false;
    }
    Set<Long> validators = new HashSet<>();
    for (Check check : checks) {
      if (!(check instanceof AttestationCheck) || !validators.add(check.validatorId())) {
        return false;
      }
    }
    return true;
  }

  /** Runs the checks in {@code order} (by validator id, so concurrent batches lock rows alike). */
  static Outcome[] run(PostgresStore store, Connection c, List<Check> checks, Integer[] order) throws SQLException {
    int k = checks.size();
    Long[] ids = new Long[k];
    Long[] sources = new Long[k];
    Long[] targets = new Long[k];
    byte[] roots = new byte[32 * k];
    for (int j = 0; j < k; j++) {
      AttestationCheck a = (AttestationCheck) checks.get(order[j]);
      ids[j] = a.validatorId();
      sources[j] = Uint64Column.encode(a.sourceEpoch());
      targets[j] = Uint64Column.encode(a.targetEpoch());
      System.arraycopy(a.signingRoot().toArray(), 0, roots, 32 * j, 32);
    }
    Outcome[] outcomes = new Outcome[k];
    try (PreparedStatement ps = store.prepareCheck(c, SQL)) {
      Array idArray = c.createArrayOf("bigint", ids);
      Array sourceArray = c.createArrayOf("bigint", sources);
      Array targetArray = c.createArrayOf("bigint", targets);
      ps.setBytes(1, roots);
      ps.setArray(2, idArray);
      ps.setArray(3, sourceArray);
      ps.setArray(4, targetArray);
      store.counters.roundTrips.incrementAndGet();
      try (ResultSet rs = ps.executeQuery()) {
        for (int j = 0; j < k; j++) {
          if (!rs.next() || rs.getLong("n") != j + 1) {
            throw new SQLException("batch check answered " + j + " rows of " + k);
          }
          if (!rs.getBoolean("registered")) {
            throw new SQLException("validator id " + ids[j] + " is not registered");
          }
          ValidatorState state = new ValidatorState(rs.getBoolean("enabled"), null, null,
              Uint64Column.get(rs, "att_source"), Uint64Column.get(rs, "att_target"), JdbcStore.root(rs, "att_root"));
          outcomes[order[j]] = new Outcome(rs.getBoolean("recorded"), state, rs.getBoolean("identical"));
        }
      }
      PostgresStore.requireConfirmedCommit(ps.getWarnings(), c.getWarnings()); // autocommit: the commit was part of it
      idArray.free();
      sourceArray.free();
      targetArray.free();
    }
    return outcomes;
  }
}
