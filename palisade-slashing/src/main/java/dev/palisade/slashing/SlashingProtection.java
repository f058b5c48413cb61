package dev.palisade.slashing;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * EIP-3076 slashing protection: check a signing request against the recorded history and record
 * it, durably, before the caller computes the signature.
 *
 * <p>Every check-and-record returns only after the record is committed; a verdict {@link
 * Verdict.Allowed} is never produced without a durable commit (or an identical record already
 * committed). When the store cannot answer, the methods throw {@link
 * SlashingStoreUnavailableException}: fail closed.
 *
 * <p>Validators are registered lazily on their first request (one extra round trip, once per key
 * and process); {@link #registerValidators} registers a whole key set up front in bulk.
 */
public interface SlashingProtection extends AutoCloseable {

  /** Blocks until the record is durable. */
  Verdict checkAndRecordBlock(BlsPublicKey key, Bytes32 genesisValidatorsRoot, long slot, Bytes32 signingRoot);

  /** Blocks until the record is durable. Epochs are unsigned 64-bit values. */
  Verdict checkAndRecordAttestation(
      BlsPublicKey key, Bytes32 genesisValidatorsRoot, long sourceEpoch, long targetEpoch, Bytes32 signingRoot);

  /** Asynchronous form: completes after the commit, or exceptionally with {@link SlashingStoreUnavailableException}. */
  CompletableFuture<Verdict> checkAndRecordBlockAsync(
      BlsPublicKey key, Bytes32 genesisValidatorsRoot, long slot, Bytes32 signingRoot);

  CompletableFuture<Verdict> checkAndRecordAttestationAsync(
      BlsPublicKey key, Bytes32 genesisValidatorsRoot, long sourceEpoch, long targetEpoch, Bytes32 signingRoot);

  /** Idempotent bulk registration, e.g. of every loaded key at startup. */
  void registerValidators(Collection<BlsPublicKey> keys);

  /** A disabled validator is refused every block and attestation (rule {@code validator_disabled}). */
  void setEnabled(BlsPublicKey key, boolean enabled);

  /** The genesis validators root pinned in this database, if any request or import pinned one yet. */
  Optional<Bytes32> genesisValidatorsRoot();

  /**
   * Pins the database to a network before first use (e.g. from configuration).
   *
   * @throws GenesisValidatorsRootMismatchException if another root is already pinned
   */
  void pinGenesisValidatorsRoot(Bytes32 genesisValidatorsRoot);

  /** Up/down with a message; answers within about a second. */
  HealthStatus health();

  /** Imports an EIP-3076 v5 interchange (minimal or complete), all or nothing. */
  void importInterchange(InputStream json) throws InterchangeException;

  /** Imports only the records of {@code onlyKeys} (empty: all), all or nothing. */
  void importInterchange(InputStream json, Collection<BlsPublicKey> onlyKeys)
      throws InterchangeException;

  /** Exports the complete history (EIP-3076 v5, complete format) of the keys given, or all. */
  void exportInterchange(OutputStream out, Collection<BlsPublicKey> keysOrEmptyForAll);

  /**
   * Deletes history older than the configured retention. The decisions depend only on the
   * per-validator watermarks, which pruning never lowers, so pruning cannot weaken protection.
   *
   * @return the number of history rows deleted
   */
  long prune();

  StoreStats stats();

  /**
   * Whether commits are durable on a PostgreSQL standby (failover safety); empty for stores
   * without replication (SQLite). Answers within about two seconds, {@code UNKNOWN} otherwise.
   */
  default Optional<ReplicationSafety.Status> replication() {
    return Optional.empty();
  }

  @Override
  void close();

  /** Convenience for callers that want every key. */
  static Collection<BlsPublicKey> allKeys() {
    return List.of();
  }
}
