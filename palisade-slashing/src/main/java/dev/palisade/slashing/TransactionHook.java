package dev.palisade.slashing;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * Work that must commit atomically with the slashing records, e.g. an audit log of every decision.
 * Set it with {@link SlashingOptions#withTransactionHook}.
 *
 * <p>The group-commit writer calls {@link #beforeCommit} once per batch, inside the batch's
 * transaction, after every check of the batch has been evaluated and recorded and just before the
 * COMMIT, with every decision of the batch (allowed and refused) in arrival order. It is therefore
 * the last work of the transaction (which {@code AuditLog.appendAll} requires: it locks the audit
 * head row until the commit). On SQLite the transaction already holds the write lock ({@code BEGIN
 * IMMEDIATE}).
 *
 * <p><b>Contract.</b>
 *
 * <ul>
 *   <li>The connection is a view of the writer's connection with an open transaction: {@code
 *       getAutoCommit()} answers false; {@code commit}, {@code rollback}, {@code setAutoCommit},
 *       {@code close} and {@code setTransactionIsolation} are refused. Each statement the hook
 *       executes is counted as a round trip in {@link StoreStats}.
 *   <li>Fail closed: if the hook throws, the whole batch rolls back and every caller of the batch
 *       gets {@link SlashingStoreUnavailableException}; no signature without the hook's rows. A
 *       retryable {@link SQLException} (serialization failure, deadlock, SQLite busy) from the hook
 *       retries the batch like any other conflict.
 *   <li>A retried batch calls the hook again, for the new transaction only: the rolled-back
 *       attempt's rows are gone. When a COMMIT's outcome is unknown (connection lost during the
 *       COMMIT), the batch is NOT retried while a hook is set, since a retry could commit the
 *       hook's rows twice; the callers get {@link SlashingStoreUnavailableException}. The first
 *       attempt may have committed, so one decision may then be logged as allowed without a
 *       signature having been produced (never the reverse).
 *   <li>Timeouts: a request whose caller gave up before its batch started is neither evaluated
 *       nor passed to the hook. A caller can still time out while its batch is running: the
 *       decision is then committed (and passed to the hook) although that caller got an
 *       exception, exactly as the slashing record is.
 *   <li>Refusals decided without the database (source epoch after target epoch, another network's
 *       genesis validators root) go through the writer when a hook is set, so the hook sees every
 *       verdict the store returns (so with a hook they also need the database: while it is down
 *       they fail with {@link SlashingStoreUnavailableException} instead of being refused). Failures that are not verdicts ({@link
 *       SlashingStoreUnavailableException}, timeouts) never reach the hook: the caller audits them.
 *   <li>Called on a writer thread (PostgreSQL has several), never concurrently for one batch; it
 *       must be thread-safe and should not block on anything but the database.
 * </ul>
 */
@FunctionalInterface
public interface TransactionHook {

  /**
   * Runs inside the batch's open transaction, before its COMMIT.
   *
   * @param connection the batch's connection (see the contract above)
   * @param decided every decision of the batch, in arrival order, never empty
   */
  void beforeCommit(Connection connection, List<Decided> decided) throws SQLException;

  enum Kind {
    BLOCK,
    ATTESTATION
  }

  /**
   * One decision of the batch.
   *
   * @param key the validator
   * @param attachment what the caller passed to {@code checkAndRecord…}, or null
   * @param kind block or attestation
   * @param slot the block slot (unsigned 64-bit), null for an attestation
   * @param sourceEpoch the attestation source epoch (unsigned), null for a block
   * @param targetEpoch the attestation target epoch (unsigned), null for a block
   * @param signingRoot the signing root of the request
   * @param verdict the verdict the caller receives if the batch commits
   */
  record Decided(
      BlsPublicKey key,
      Object attachment,
      Kind kind,
      Long slot,
      Long sourceEpoch,
      Long targetEpoch,
      Bytes32 signingRoot,
      Verdict verdict) {
    public Decided {
      Objects.requireNonNull(key);
      Objects.requireNonNull(kind);
      Objects.requireNonNull(verdict);
    }

    public boolean isAllowed() {
      return verdict.isAllowed();
    }
  }
}
