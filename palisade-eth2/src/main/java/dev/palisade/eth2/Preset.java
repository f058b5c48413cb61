package dev.palisade.eth2;

import java.util.Locale;
import java.util.Optional;

/**
 * The consensus preset values that set SSZ list/vector lengths (and the epoch length). Values from
 * consensus-specs v1.6.1 {@code presets/<name>/*.yaml}.
 */
public record Preset(
    String name,
    int slotsPerEpoch,
    long maxCommitteesPerSlot,
    long maxValidatorsPerCommittee,
    long maxProposerSlashings,
    long maxAttesterSlashings,
    long maxAttestations,
    long maxDeposits,
    long maxVoluntaryExits,
    int depositContractTreeDepth,
    int syncCommitteeSize,
    int syncCommitteeSubnetCount,
    long maxBytesPerTransaction,
    long maxTransactionsPerPayload,
    int bytesPerLogsBloom,
    long maxExtraDataBytes,
    long maxBlsToExecutionChanges,
    long maxWithdrawalsPerPayload,
    long maxBlobCommitmentsPerBlock,
    long maxAttesterSlashingsElectra,
    long maxAttestationsElectra,
    long maxDepositRequestsPerPayload,
    long maxWithdrawalRequestsPerPayload,
    long maxConsolidationRequestsPerPayload) {

  public static final Preset MAINNET =
      new Preset(
          "mainnet",
          32, // SLOTS_PER_EPOCH
          64, // MAX_COMMITTEES_PER_SLOT
          2048, // MAX_VALIDATORS_PER_COMMITTEE
          16, // MAX_PROPOSER_SLASHINGS
          2, // MAX_ATTESTER_SLASHINGS
          128, // MAX_ATTESTATIONS
          16, // MAX_DEPOSITS
          16, // MAX_VOLUNTARY_EXITS
          32, // DEPOSIT_CONTRACT_TREE_DEPTH
          512, // SYNC_COMMITTEE_SIZE
          4, // SYNC_COMMITTEE_SUBNET_COUNT (a constant, not a preset value)
          1L << 30, // MAX_BYTES_PER_TRANSACTION
          1L << 20, // MAX_TRANSACTIONS_PER_PAYLOAD
          256, // BYTES_PER_LOGS_BLOOM
          32, // MAX_EXTRA_DATA_BYTES
          16, // MAX_BLS_TO_EXECUTION_CHANGES
          16, // MAX_WITHDRAWALS_PER_PAYLOAD
          4096, // MAX_BLOB_COMMITMENTS_PER_BLOCK
          1, // MAX_ATTESTER_SLASHINGS_ELECTRA
          8, // MAX_ATTESTATIONS_ELECTRA
          8192, // MAX_DEPOSIT_REQUESTS_PER_PAYLOAD
          16, // MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD
          2); // MAX_CONSOLIDATION_REQUESTS_PER_PAYLOAD

  /**
   * The minimal preset differs from mainnet only where marked. MAX_BLOB_COMMITMENTS_PER_BLOCK was
   * "customized" to 16/32 in older spec releases and is 4096 again since v1.6.0; the Electra request
   * limits likewise equal mainnet's since v1.6.0.
   */
  public static final Preset MINIMAL =
      new Preset(
          "minimal",
          8, // SLOTS_PER_EPOCH [customized]
          4, // MAX_COMMITTEES_PER_SLOT [customized]
          2048,
          16,
          2,
          128,
          16,
          16,
          32,
          32, // SYNC_COMMITTEE_SIZE [customized]
          4,
          1L << 30,
          1L << 20,
          256,
          32,
          16,
          4, // MAX_WITHDRAWALS_PER_PAYLOAD [customized]
          4096,
          1,
          8,
          8192,
          16,
          2);

  public static Optional<Preset> named(String name) {
    return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
      case "mainnet" -> Optional.of(MAINNET);
      case "minimal" -> Optional.of(MINIMAL);
      default -> Optional.empty();
    };
  }

  /** Bits in an Attestation's aggregation_bits: one committee before Electra, every committee of the slot since. */
  public long attestationBitsLimit(Fork fork) {
    return fork.hasCommitteeBits()
        ? maxValidatorsPerCommittee * maxCommitteesPerSlot
        : maxValidatorsPerCommittee;
  }

  /** IndexedAttestation.attesting_indices limit, which grows with Electra like the bitlist. */
  public long attestingIndicesLimit(Fork fork) {
    return attestationBitsLimit(fork);
  }

  public long maxAttestations(Fork fork) {
    return fork.hasCommitteeBits() ? maxAttestationsElectra : maxAttestations;
  }

  public long maxAttesterSlashings(Fork fork) {
    return fork.hasCommitteeBits() ? maxAttesterSlashingsElectra : maxAttesterSlashings;
  }

  /** Bits in a SyncCommitteeContribution's aggregation_bits. */
  public int syncSubcommitteeSize() {
    return syncCommitteeSize / syncCommitteeSubnetCount;
  }
}
