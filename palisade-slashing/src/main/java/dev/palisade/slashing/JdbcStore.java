package dev.palisade.slashing;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.slashing.Check.AttestationCheck;
import dev.palisade.slashing.Check.BlockCheck;
import dev.palisade.slashing.InterchangeException.Problem;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The SQL shared by both databases. Everything here runs on a connection the caller owns; the
 * methods that write open and commit their own transaction.
 */
abstract class JdbcStore implements AutoCloseable {
  static final Comparator<Bytes32> NULLS_FIRST = Comparator.nullsFirst(Comparator.naturalOrder());
  static final Comparator<SignedBlock> BLOCK_ORDER =
      Comparator.comparing(SignedBlock::slot, Long::compareUnsigned)
          .thenComparing(SignedBlock::signingRoot, NULLS_FIRST);
  static final Comparator<SignedAttestation> ATTESTATION_ORDER =
      Comparator.comparing(SignedAttestation::targetEpoch, Long::compareUnsigned)
          .thenComparing(SignedAttestation::sourceEpoch, Long::compareUnsigned)
          .thenComparing(SignedAttestation::signingRoot, NULLS_FIRST);

  final Counters counters = new Counters();
  final SlashingOptions options;

  JdbcStore(SlashingOptions options) {
    this.options = options;
  }

  abstract String description();

  /** Why the database may no longer be used (removed, replaced, re-pointed); empty while fine. */
  abstract Optional<String> databaseFailure();

  /** A connection for the writer thread; release it with {@link #releaseWriter}. */
  abstract Connection acquireWriter() throws SQLException;

  abstract void releaseWriter(Connection c, boolean failed);

  @Override
  public abstract void close();

  static void closeOwned(AutoCloseable owned) {
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        // closing a pool cannot fail in a way the caller could act on
      }
    }
  }

  /** Called by each writer thread as it exits. */
  void writerStopped() {}

  /** A connection for reads outside the writer (export, health); close it after use. */
  abstract Connection openReader() throws SQLException;

  abstract void begin(Connection c) throws SQLException;

  /** A transaction that only reads, for a consistent export; end it with {@link #rollback}. */
  void beginRead(Connection c) throws SQLException {
    begin(c);
  }

  abstract void commit(Connection c) throws SQLException;

  abstract void rollback(Connection c);

  /** Evaluates and records the checks in order, in one transaction, committed on return. */
  abstract List<Verdict> checkAndRecord(Connection c, List<Check> checks) throws SQLException;

  /** Serialization failures, deadlocks, busy database: run the whole transaction again. */
  abstract boolean isRetryable(SQLException e);

  /** SQL text for "column equals parameter, null equal to null". */
  abstract String nullSafeEquals(String column);

  /** Row lock suffix for a SELECT inside a write transaction. */
  abstract String forUpdate();

  int statementTimeoutSeconds() {
    return (int) Math.max(1, Math.ceil(options.statementTimeout().toMillis() / 1000.0));
  }

  PreparedStatement prepare(Connection c, String sql) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    ps.setQueryTimeout(statementTimeoutSeconds());
    return ps;
  }

  <T> T inTransaction(Connection c, SqlWork<T> work) throws Exception {
    begin(c);
    try {
      T result = work.run(c);
      commit(c);
      return result;
    } catch (Exception e) {
      rollback(c);
      throw e;
    }
  }

  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection c) throws Exception;
  }

  // --- genesis validators root -------------------------------------------------------------

  Optional<Bytes32> readGenesisRoot(Connection c) throws SQLException {
    try (PreparedStatement ps =
        prepare(c, "SELECT genesis_validators_root FROM metadata WHERE id = 1")) {
      counters.roundTrips.incrementAndGet();
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(Bytes32.wrap(rs.getBytes(1))) : Optional.empty();
      }
    }
  }

  /** Pins {@code candidate} if nothing is pinned yet; returns what is pinned now. */
  Bytes32 pinGenesisRoot(Connection c, Bytes32 candidate) throws Exception {
    return inTransaction(c, tx -> pinGenesisRootInTransaction(tx, candidate));
  }

  private Bytes32 pinGenesisRootInTransaction(Connection c, Bytes32 candidate) throws SQLException {
    try (PreparedStatement ps =
        prepare(
            c,
            "INSERT INTO metadata (id, genesis_validators_root) VALUES (1, ?)"
                + " ON CONFLICT (id) DO NOTHING")) {
      ps.setBytes(1, candidate.toArray());
      counters.roundTrips.incrementAndGet();
      ps.executeUpdate();
    }
    return readGenesisRoot(c).orElseThrow();
  }

  // --- validators ----------------------------------------------------------------------------

  /** Inserts missing validators; returns the ids of all {@code keys}. */
  Map<BlsPublicKey, Long> register(Connection c, Collection<BlsPublicKey> keys) throws Exception {
    return inTransaction(c, tx -> registerInTransaction(tx, keys));
  }

  Map<BlsPublicKey, Long> registerInTransaction(Connection c, Collection<BlsPublicKey> keys)
      throws SQLException {
    Set<BlsPublicKey> wanted = new HashSet<>(keys);
    Map<BlsPublicKey, Long> ids = new HashMap<>();
    List<BlsPublicKey> missing = new ArrayList<>();
    if (wanted.size() <= 16) {
      for (BlsPublicKey key : new TreeSet<>(wanted)) {
        Long id = findValidatorId(c, key);
        if (id == null) missing.add(key);
        else ids.put(key, id);
      }
    } else {
      Map<BlsPublicKey, Long> all = allValidatorIds(c);
      for (BlsPublicKey key : new TreeSet<>(wanted)) {
        Long id = all.get(key);
        if (id == null) missing.add(key);
        else ids.put(key, id);
      }
    }
    if (!missing.isEmpty()) {
      try (PreparedStatement ps =
          prepare(
              c,
              "INSERT INTO validators (public_key) VALUES (?) ON CONFLICT (public_key) DO NOTHING")) {
        for (BlsPublicKey key : missing) {
          ps.setBytes(1, key.toArray());
          ps.addBatch();
        }
        counters.roundTrips.incrementAndGet();
        ps.executeBatch();
      }
      for (BlsPublicKey key : missing) {
        ids.put(key, findValidatorId(c, key));
      }
    }
    return ids;
  }

  private Long findValidatorId(Connection c, BlsPublicKey key) throws SQLException {
    try (PreparedStatement ps = prepare(c, "SELECT id FROM validators WHERE public_key = ?")) {
      ps.setBytes(1, key.toArray());
      counters.roundTrips.incrementAndGet();
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  private Map<BlsPublicKey, Long> allValidatorIds(Connection c) throws SQLException {
    Map<BlsPublicKey, Long> all = new HashMap<>();
    try (PreparedStatement ps = prepare(c, "SELECT id, public_key FROM validators")) {
      counters.roundTrips.incrementAndGet();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          all.put(BlsPublicKey.wrap(rs.getBytes(2)), rs.getLong(1));
        }
      }
    }
    return all;
  }

  void setEnabled(Connection c, long validatorId, boolean enabled) throws Exception {
    inTransaction(
        c,
        tx -> {
          try (PreparedStatement ps = prepare(tx, "UPDATE validators SET enabled = ? WHERE id = ?")) {
            ps.setBoolean(1, enabled);
            ps.setLong(2, validatorId);
            counters.roundTrips.incrementAndGet();
            return ps.executeUpdate();
          }
        });
  }

  ValidatorState readState(Connection c, long validatorId, boolean lock) throws SQLException {
    try (PreparedStatement ps =
        prepare(
            c,
            "SELECT enabled, block_slot, block_root, att_source, att_target, att_root"
                + " FROM validators WHERE id = ?"
                + (lock ? forUpdate() : ""))) {
      ps.setLong(1, validatorId);
      counters.roundTrips.incrementAndGet();
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("validator id " + validatorId + " is not registered");
        }
        return stateOf(rs);
      }
    }
  }

  static ValidatorState stateOf(ResultSet rs) throws SQLException {
    return new ValidatorState(
        rs.getBoolean("enabled"),
        Uint64Column.get(rs, "block_slot"),
        root(rs, "block_root"),
        Uint64Column.get(rs, "att_source"),
        Uint64Column.get(rs, "att_target"),
        root(rs, "att_root"));
  }

  static Bytes32 root(ResultSet rs, String column) throws SQLException {
    byte[] bytes = rs.getBytes(column);
    return bytes == null ? null : Bytes32.wrap(bytes);
  }

  static void setRoot(PreparedStatement ps, int index, Bytes32 root) throws SQLException {
    if (root == null) ps.setNull(index, Types.BINARY);
    else ps.setBytes(index, root.toArray());
  }

  // --- evaluation helpers used by the read-decide-write path (SQLite) ------------------------

  /** Evaluates one check with plain statements inside an open transaction. */
  Verdict evaluateAndRecord(Connection c, Check check) throws SQLException {
    ValidatorState state = readState(c, check.validatorId(), false);
    if (check instanceof BlockCheck b) {
      Verdict v = SlashingRules.checkBlock(state, b.slot(), b.signingRoot(), false);
      if (v instanceof Verdict.Refused r && r.rule() != Rule.VALIDATOR_DISABLED
          && identicalBlockExists(c, b)) {
        v = SlashingRules.checkBlock(state, b.slot(), b.signingRoot(), true);
      }
      if (v == Verdict.Allowed.RECORDED) {
        recordBlock(c, b);
      }
      return v;
    }
    AttestationCheck a = (AttestationCheck) check;
    Verdict v =
        SlashingRules.checkAttestation(state, a.sourceEpoch(), a.targetEpoch(), a.signingRoot(), false);
    if (v instanceof Verdict.Refused r
        && (r.rule() != Rule.VALIDATOR_DISABLED && r.rule() != Rule.ATTESTATION_SOURCE_EXCEEDS_TARGET)
        && identicalAttestationExists(c, a)) {
      v = SlashingRules.checkAttestation(state, a.sourceEpoch(), a.targetEpoch(), a.signingRoot(), true);
    }
    if (v == Verdict.Allowed.RECORDED) {
      recordAttestation(c, a);
    }
    return v;
  }

  private boolean identicalBlockExists(Connection c, BlockCheck b) throws SQLException {
    try (PreparedStatement ps =
        prepare(
            c,
            "SELECT 1 FROM signed_blocks WHERE validator_id = ? AND slot = ?"
                + " AND signing_root = ? AND NOT imported")) {
      ps.setLong(1, b.validatorId());
      Uint64Column.set(ps, 2, b.slot());
      ps.setBytes(3, b.signingRoot().toArray());
      counters.roundTrips.incrementAndGet();
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private boolean identicalAttestationExists(Connection c, AttestationCheck a) throws SQLException {
    try (PreparedStatement ps =
        prepare(
            c,
            "SELECT 1 FROM signed_attestations WHERE validator_id = ? AND target_epoch = ?"
                + " AND source_epoch = ? AND signing_root = ? AND NOT imported")) {
      ps.setLong(1, a.validatorId());
      Uint64Column.set(ps, 2, a.targetEpoch());
      Uint64Column.set(ps, 3, a.sourceEpoch());
      ps.setBytes(4, a.signingRoot().toArray());
      counters.roundTrips.incrementAndGet();
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private void recordBlock(Connection c, BlockCheck b) throws SQLException {
    try (PreparedStatement ps =
        prepare(c, "UPDATE validators SET block_slot = ?, block_root = ? WHERE id = ?")) {
      Uint64Column.set(ps, 1, b.slot());
      ps.setBytes(2, b.signingRoot().toArray());
      ps.setLong(3, b.validatorId());
      counters.roundTrips.incrementAndGet();
      ps.executeUpdate();
    }
    insertBlock(c, b.validatorId(), new SignedBlock(b.slot(), b.signingRoot()), false);
  }

  private void recordAttestation(Connection c, AttestationCheck a) throws SQLException {
    try (PreparedStatement ps =
        prepare(
            c,
            "UPDATE validators SET att_source = ?, att_target = ?, att_root = ? WHERE id = ?")) {
      Uint64Column.set(ps, 1, a.sourceEpoch());
      Uint64Column.set(ps, 2, a.targetEpoch());
      ps.setBytes(3, a.signingRoot().toArray());
      ps.setLong(4, a.validatorId());
      counters.roundTrips.incrementAndGet();
      ps.executeUpdate();
    }
    insertAttestation(
        c,
        a.validatorId(),
        new SignedAttestation(a.sourceEpoch(), a.targetEpoch(), a.signingRoot()),
        false);
  }

  private void insertBlock(Connection c, long validatorId, SignedBlock b, boolean imported)
      throws SQLException {
    try (PreparedStatement ps =
        prepare(
            c,
            "INSERT INTO signed_blocks (validator_id, slot, signing_root, imported)"
                + " VALUES (?, ?, ?, ?)")) {
      ps.setLong(1, validatorId);
      Uint64Column.set(ps, 2, b.slot());
      setRoot(ps, 3, b.signingRoot());
      ps.setBoolean(4, imported);
      counters.roundTrips.incrementAndGet();
      ps.executeUpdate();
    }
  }

  private void insertAttestation(
      Connection c, long validatorId, SignedAttestation a, boolean imported) throws SQLException {
    try (PreparedStatement ps =
        prepare(
            c,
            "INSERT INTO signed_attestations"
                + " (validator_id, source_epoch, target_epoch, signing_root, imported)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      ps.setLong(1, validatorId);
      Uint64Column.set(ps, 2, a.sourceEpoch());
      Uint64Column.set(ps, 3, a.targetEpoch());
      setRoot(ps, 4, a.signingRoot());
      ps.setBoolean(5, imported);
      counters.roundTrips.incrementAndGet();
      ps.executeUpdate();
    }
  }

  // --- interchange import ----------------------------------------------------------------------

  /**
   * Merges a validated interchange in one transaction: history rows are added (identical ones
   * skipped, so importing twice changes nothing) and each watermark moves up to the highest
   * imported value, never down. Slashable data inside the file is accepted: the watermarks make
   * any later request that could conflict with it refused, which is what EIP-3076 asks.
   */
  void importInterchange(Connection c, Interchange interchange, Set<BlsPublicKey> onlyKeys)
      throws Exception {
    Map<BlsPublicKey, List<Interchange.ValidatorHistory>> byKey = new TreeMap<>();
    for (Interchange.ValidatorHistory v : interchange.data()) {
      if (onlyKeys.isEmpty() || onlyKeys.contains(v.pubkey())) {
        byKey.computeIfAbsent(v.pubkey(), k -> new ArrayList<>()).add(v);
      }
    }
    inTransaction(
        c,
        tx -> {
          Bytes32 pinned = pinGenesisRootInTransaction(tx, interchange.genesisValidatorsRoot());
          if (!pinned.equals(interchange.genesisValidatorsRoot())) {
            throw new InterchangeException(
                Problem.GENESIS_VALIDATORS_ROOT_MISMATCH,
                "interchange genesis validators root "
                    + interchange.genesisValidatorsRoot()
                    + " does not match "
                    + pinned
                    + " pinned in the slashing protection database");
          }
          Map<BlsPublicKey, Long> ids = registerInTransaction(tx, byKey.keySet());
          for (var entry : byKey.entrySet()) {
            importValidator(tx, ids.get(entry.getKey()), entry.getValue());
          }
          return null;
        });
  }

  private void importValidator(
      Connection c, long validatorId, List<Interchange.ValidatorHistory> histories)
      throws SQLException {
    ValidatorState state = readState(c, validatorId, true);
    Set<SignedBlock> blocks = new TreeSet<>(BLOCK_ORDER);
    Set<SignedAttestation> attestations = new TreeSet<>(ATTESTATION_ORDER);
    for (Interchange.ValidatorHistory h : histories) {
      blocks.addAll(h.signedBlocks());
      attestations.addAll(h.signedAttestations());
    }
    Long blockSlot = state.blockSlot();
    Bytes32 blockRoot = state.blockRoot();
    Long attSource = state.attSource();
    Long attTarget = state.attTarget();
    Bytes32 attRoot = state.attRoot();
    for (SignedBlock b : blocks) {
      Long raised = Uint64Column.max(blockSlot, b.slot());
      if (!raised.equals(blockSlot)) {
        blockSlot = raised;
        blockRoot = null; // imported roots are never re-signable
      }
    }
    for (SignedAttestation a : attestations) {
      Long source = Uint64Column.max(attSource, a.sourceEpoch());
      Long target = Uint64Column.max(attTarget, a.targetEpoch());
      if (!source.equals(attSource) || !target.equals(attTarget)) {
        attSource = source;
        attTarget = target;
        attRoot = null;
      }
    }
    if (!blocks.isEmpty()) {
      try (PreparedStatement ps =
          prepare(
              c,
              "INSERT INTO signed_blocks (validator_id, slot, signing_root, imported)"
                  + " SELECT ?, ?, ?, TRUE WHERE NOT EXISTS (SELECT 1 FROM signed_blocks"
                  + " WHERE validator_id = ? AND slot = ? AND " + nullSafeEquals("signing_root") + ")")) {
        for (SignedBlock b : blocks) {
          ps.setLong(1, validatorId);
          Uint64Column.set(ps, 2, b.slot());
          setRoot(ps, 3, b.signingRoot());
          ps.setLong(4, validatorId);
          Uint64Column.set(ps, 5, b.slot());
          setRoot(ps, 6, b.signingRoot());
          ps.addBatch();
        }
        counters.roundTrips.incrementAndGet();
        ps.executeBatch();
      }
    }
    if (!attestations.isEmpty()) {
      try (PreparedStatement ps =
          prepare(
              c,
              "INSERT INTO signed_attestations"
                  + " (validator_id, source_epoch, target_epoch, signing_root, imported)"
                  + " SELECT ?, ?, ?, ?, TRUE WHERE NOT EXISTS (SELECT 1 FROM signed_attestations"
                  + " WHERE validator_id = ? AND target_epoch = ? AND source_epoch = ? AND "
                  + nullSafeEquals("signing_root") + ")")) {
        for (SignedAttestation a : attestations) {
          ps.setLong(1, validatorId);
          Uint64Column.set(ps, 2, a.sourceEpoch());
          Uint64Column.set(ps, 3, a.targetEpoch());
          setRoot(ps, 4, a.signingRoot());
          ps.setLong(5, validatorId);
          Uint64Column.set(ps, 6, a.targetEpoch());
          Uint64Column.set(ps, 7, a.sourceEpoch());
          setRoot(ps, 8, a.signingRoot());
          ps.addBatch();
        }
        counters.roundTrips.incrementAndGet();
        ps.executeBatch();
      }
    }
    try (PreparedStatement ps =
        prepare(
            c,
            "UPDATE validators SET block_slot = ?, block_root = ?, att_source = ?, att_target = ?,"
                + " att_root = ? WHERE id = ?")) {
      Uint64Column.set(ps, 1, blockSlot);
      setRoot(ps, 2, blockRoot);
      Uint64Column.set(ps, 3, attSource);
      Uint64Column.set(ps, 4, attTarget);
      setRoot(ps, 5, attRoot);
      ps.setLong(6, validatorId);
      counters.roundTrips.incrementAndGet();
      ps.executeUpdate();
    }
  }

  // --- export --------------------------------------------------------------------------------

  /**
   * Writes the complete history of the selected validators, in canonical order (validators by
   * public key, blocks by slot, attestations by target then source), duplicates removed. If a
   * watermark is not represented by a kept record, a record without signing root is added for it
   * so that an importer can never end up with lower watermarks than ours.
   */
  void export(Connection c, JsonGenerator g, Collection<BlsPublicKey> keysOrEmpty)
      throws SQLException, IOException {
    Bytes32 gvr =
        readGenesisRoot(c)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "nothing to export: no genesis validators root is pinned yet"));
    Set<BlsPublicKey> only = new HashSet<>(keysOrEmpty);
    Map<BlsPublicKey, Long> selected = new TreeMap<>();
    Map<Long, ValidatorState> states = new HashMap<>();
    try (PreparedStatement ps =
        prepare(
            c,
            "SELECT id, public_key, enabled, block_slot, block_root, att_source, att_target, att_root"
                + " FROM validators")) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          BlsPublicKey key = BlsPublicKey.wrap(rs.getBytes("public_key"));
          if (only.isEmpty() || only.contains(key)) {
            long id = rs.getLong("id");
            selected.put(key, id);
            states.put(id, stateOf(rs));
          }
        }
      }
    }
    InterchangeCodec.writeStart(g, gvr);
    for (var entry : selected.entrySet()) {
      long id = entry.getValue();
      ValidatorState state = states.get(id);
      TreeSet<SignedBlock> blocks = new TreeSet<>(BLOCK_ORDER);
      try (PreparedStatement ps =
          prepare(c, "SELECT slot, signing_root FROM signed_blocks WHERE validator_id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            blocks.add(new SignedBlock(Uint64Column.get(rs, "slot"), root(rs, "signing_root")));
          }
        }
      }
      TreeSet<SignedAttestation> attestations = new TreeSet<>(ATTESTATION_ORDER);
      try (PreparedStatement ps =
          prepare(
              c,
              "SELECT source_epoch, target_epoch, signing_root FROM signed_attestations"
                  + " WHERE validator_id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            attestations.add(
                new SignedAttestation(
                    Uint64Column.get(rs, "source_epoch"),
                    Uint64Column.get(rs, "target_epoch"),
                    root(rs, "signing_root")));
          }
        }
      }
      addMissingWatermarks(state, blocks, attestations);
      InterchangeCodec.writeValidator(
          g,
          new Interchange.ValidatorHistory(
              entry.getKey(), new ArrayList<>(blocks), new ArrayList<>(attestations)));
    }
    InterchangeCodec.writeEnd(g);
  }

  private static void addMissingWatermarks(
      ValidatorState state, TreeSet<SignedBlock> blocks, TreeSet<SignedAttestation> attestations) {
    if (state.blockSlot() != null
        && (blocks.isEmpty() || Long.compareUnsigned(blocks.last().slot(), state.blockSlot()) < 0)) {
      blocks.add(new SignedBlock(state.blockSlot(), null));
    }
    if (state.attTarget() != null) {
      Long maxSource = null;
      Long maxTarget = null;
      for (SignedAttestation a : attestations) {
        maxSource = Uint64Column.max(maxSource, a.sourceEpoch());
        maxTarget = Uint64Column.max(maxTarget, a.targetEpoch());
      }
      if (maxTarget == null
          || Long.compareUnsigned(maxTarget, state.attTarget()) < 0
          || Long.compareUnsigned(maxSource, state.attSource()) < 0) {
        attestations.add(new SignedAttestation(state.attSource(), state.attTarget(), null));
      }
    }
  }

  // --- pruning -------------------------------------------------------------------------------

  /**
   * Deletes history below the retention window. Decisions read only the watermarks, which are the
   * highest values and are never lowered, so this cannot allow anything new; it only limits
   * which identical re-signs are recognised and how much an export contains. The record that
   * holds the highest source is kept so that exports keep the source watermark.
   */
  long prune(Connection c, SlashingOptions.Retention retention) throws Exception {
    if (retention == null) return 0;
    return inTransaction(
        c,
        tx -> {
          long deleted = 0;
          // Encoded arithmetic: encode(x) - n == encode(x - n) whenever x >= n, which the guard
          // (encoded x >= encode(n)) ensures; below that nothing is old enough to delete.
          try (PreparedStatement ps =
              prepare(
                  tx,
                  "DELETE FROM signed_blocks WHERE EXISTS (SELECT 1 FROM validators v"
                      + " WHERE v.id = signed_blocks.validator_id AND v.block_slot >= ?"
                      + " AND signed_blocks.slot < v.block_slot - ?)")) {
            Uint64Column.set(ps, 1, retention.slots());
            ps.setLong(2, retention.slots());
            counters.roundTrips.incrementAndGet();
            deleted += ps.executeUpdate();
          }
          try (PreparedStatement ps =
              prepare(
                  tx,
                  "DELETE FROM signed_attestations WHERE EXISTS (SELECT 1 FROM validators v"
                      + " WHERE v.id = signed_attestations.validator_id AND v.att_target >= ?"
                      + " AND signed_attestations.target_epoch < v.att_target - ?"
                      + " AND signed_attestations.source_epoch < v.att_source)")) {
            Uint64Column.set(ps, 1, retention.epochs());
            ps.setLong(2, retention.epochs());
            counters.roundTrips.incrementAndGet();
            deleted += ps.executeUpdate();
          }
          return deleted;
        });
  }

  // --- health --------------------------------------------------------------------------------

  void ping(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(1);
      try (ResultSet rs = s.executeQuery("SELECT 1")) {
        rs.next();
      }
    }
  }

  /**
   * Evaluation order for a batch: grouped by validator id (a consistent row-lock order across
   * writers and instances, so batches cannot deadlock), arrival order kept within a validator so a
   * later request sees the earlier one. Returns indexes into {@code checks}.
   */
  static Integer[] evaluationOrder(List<Check> checks) {
    Integer[] order = new Integer[checks.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    java.util.Arrays.sort(order, Comparator.comparingLong(i -> checks.get(i).validatorId()));
    return order;
  }
}
