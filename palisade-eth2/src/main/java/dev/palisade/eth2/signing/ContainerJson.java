package dev.palisade.eth2.signing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.types.AggregateAndProof;
import dev.palisade.eth2.types.Attestation;
import dev.palisade.eth2.types.AttestationData;
import dev.palisade.eth2.types.AttesterSlashing;
import dev.palisade.eth2.types.BeaconBlock;
import dev.palisade.eth2.types.BeaconBlockBody;
import dev.palisade.eth2.types.BeaconBlockHeader;
import dev.palisade.eth2.types.Checkpoint;
import dev.palisade.eth2.types.ContributionAndProof;
import dev.palisade.eth2.types.Deposit;
import dev.palisade.eth2.types.DepositData;
import dev.palisade.eth2.types.DepositMessage;
import dev.palisade.eth2.types.Eth1Data;
import dev.palisade.eth2.types.ExecutionPayload;
import dev.palisade.eth2.types.ExecutionPayloadContent;
import dev.palisade.eth2.types.ExecutionPayloadFields;
import dev.palisade.eth2.types.ExecutionPayloadHeader;
import dev.palisade.eth2.types.ExecutionRequests;
import dev.palisade.eth2.types.FixedSizes;
import dev.palisade.eth2.types.IndexedAttestation;
import dev.palisade.eth2.types.ProposerSlashing;
import dev.palisade.eth2.types.SignedBeaconBlockHeader;
import dev.palisade.eth2.types.SignedBlsToExecutionChange;
import dev.palisade.eth2.types.SignedVoluntaryExit;
import dev.palisade.eth2.types.SyncAggregate;
import dev.palisade.eth2.types.SyncAggregatorSelectionData;
import dev.palisade.eth2.types.SyncCommitteeContribution;
import dev.palisade.eth2.types.SyncCommitteeMessage;
import dev.palisade.eth2.types.ValidatorRegistrationV1;
import dev.palisade.eth2.types.VoluntaryExit;
import dev.palisade.eth2.types.Withdrawal;
import java.util.List;
import java.util.Optional;

/**
 * Reads consensus containers from Beacon-API style JSON (snake_case keys, uint64 as decimal
 * strings or numbers, bytes and bitfields as 0x hex). Lists are bounded by the mainnet preset, the
 * largest one, so no input can make us hold more than a real block could; the exact preset limits
 * are enforced again when hashing.
 */
public final class ContainerJson {
  /** Parse-time bounds: the largest preset. */
  private static final Preset BOUNDS = Preset.MAINNET;

  private static final int SIGNATURE = FixedSizes.BLS_SIGNATURE;
  private static final int PUBKEY = FixedSizes.BLS_PUBKEY;
  private static final int ADDRESS = FixedSizes.EXECUTION_ADDRESS;

  private ContainerJson() {}

  // Public entry points taking a JSON (or YAML-parsed) tree; errors are InvalidRequestException.

  public static BeaconBlock beaconBlock(JsonNode json, Fork fork) {
    return beaconBlock(JsonFields.of(json, ""), fork);
  }

  public static BeaconBlockHeader beaconBlockHeader(JsonNode json) {
    return beaconBlockHeader(JsonFields.of(json, ""));
  }

  public static AttestationData attestationData(JsonNode json) {
    return attestationData(JsonFields.of(json, ""));
  }

  public static Attestation attestation(JsonNode json) {
    return attestation(JsonFields.of(json, ""), BOUNDS.attestationBitsLimit(Fork.ELECTRA));
  }

  public static AggregateAndProof aggregateAndProof(JsonNode json) {
    return aggregateAndProof(JsonFields.of(json, ""));
  }

  public static IndexedAttestation indexedAttestation(JsonNode json) {
    return indexedAttestation(JsonFields.of(json, ""), BOUNDS.attestingIndicesLimit(Fork.ELECTRA));
  }

  public static Checkpoint checkpoint(JsonNode json) {
    return checkpoint(JsonFields.of(json, ""));
  }

  public static Eth1Data eth1Data(JsonNode json) {
    return eth1Data(JsonFields.of(json, ""));
  }

  public static VoluntaryExit voluntaryExit(JsonNode json) {
    return voluntaryExit(JsonFields.of(json, ""));
  }

  public static SignedVoluntaryExit signedVoluntaryExit(JsonNode json) {
    return signedVoluntaryExit(JsonFields.of(json, ""));
  }

  public static DepositMessage depositMessage(JsonNode json) {
    return depositMessage(JsonFields.of(json, ""));
  }

  public static DepositData depositData(JsonNode json) {
    return depositData(JsonFields.of(json, ""));
  }

  public static SyncCommitteeMessage syncCommitteeMessage(JsonNode json) {
    JsonFields f = JsonFields.of(json, "");
    return new SyncCommitteeMessage(
        f.uint64("slot"), f.bytes32("beacon_block_root"), f.uint64("validator_index"), f.bytes("signature", SIGNATURE));
  }

  public static SyncAggregatorSelectionData syncAggregatorSelectionData(JsonNode json) {
    return syncAggregatorSelectionData(JsonFields.of(json, ""));
  }

  public static SyncCommitteeContribution syncCommitteeContribution(JsonNode json) {
    return syncCommitteeContribution(JsonFields.of(json, ""));
  }

  public static ContributionAndProof contributionAndProof(JsonNode json) {
    return contributionAndProof(JsonFields.of(json, ""));
  }

  public static ValidatorRegistrationV1 validatorRegistration(JsonNode json) {
    return validatorRegistration(JsonFields.of(json, ""));
  }

  // Readers over JsonFields, shared with the request decoder.

  static Checkpoint checkpoint(JsonFields f) {
    return new Checkpoint(f.uint64("epoch"), f.bytes32("root"));
  }

  static AttestationData attestationData(JsonFields f) {
    return new AttestationData(
        f.uint64("slot"),
        f.uint64("index"),
        f.bytes32("beacon_block_root"),
        checkpoint(f.object("source")),
        checkpoint(f.object("target")));
  }

  static BeaconBlockHeader beaconBlockHeader(JsonFields f) {
    return new BeaconBlockHeader(
        f.uint64("slot"), f.uint64("proposer_index"), f.bytes32("parent_root"), f.bytes32("state_root"), f.bytes32("body_root"));
  }

  static Eth1Data eth1Data(JsonFields f) {
    return new Eth1Data(f.bytes32("deposit_root"), f.uint64("deposit_count"), f.bytes32("block_hash"));
  }

  static VoluntaryExit voluntaryExit(JsonFields f) {
    return new VoluntaryExit(f.uint64("epoch"), f.uint64("validator_index"));
  }

  static SignedVoluntaryExit signedVoluntaryExit(JsonFields f) {
    return new SignedVoluntaryExit(voluntaryExit(f.object("message")), f.bytes("signature", SIGNATURE));
  }

  static DepositMessage depositMessage(JsonFields f) {
    return new DepositMessage(f.bytes("pubkey", PUBKEY), f.bytes32("withdrawal_credentials"), f.uint64("amount"));
  }

  static DepositData depositData(JsonFields f) {
    return new DepositData(
        f.bytes("pubkey", PUBKEY), f.bytes32("withdrawal_credentials"), f.uint64("amount"), f.bytes("signature", SIGNATURE));
  }

  static Deposit deposit(JsonFields f) {
    List<dev.palisade.eth2.Bytes32> proof = f.bytes32s("proof", Deposit.PROOF_LENGTH);
    if (proof.size() != Deposit.PROOF_LENGTH) {
      throw new InvalidRequestException(f.pathOf("proof"), "must have exactly " + Deposit.PROOF_LENGTH + " roots");
    }
    return new Deposit(proof, depositData(f.object("data")));
  }

  /** An attestation of either shape; committee_bits is kept if given and used from Electra on. */
  static Attestation attestation(JsonFields f, long maxBits) {
    Optional<Bytes> committeeBits =
        f.has("committee_bits")
            ? Optional.of(f.byteList("committee_bits", (BOUNDS.maxCommitteesPerSlot() + 7) / 8))
            : Optional.empty();
    return new Attestation(
        f.bitlist("aggregation_bits", maxBits),
        attestationData(f.object("data")),
        f.bytes("signature", SIGNATURE),
        committeeBits);
  }

  static AggregateAndProof aggregateAndProof(JsonFields f) {
    return new AggregateAndProof(
        f.uint64("aggregator_index"),
        attestation(f.object("aggregate"), BOUNDS.attestationBitsLimit(Fork.ELECTRA)),
        f.bytes("selection_proof", SIGNATURE));
  }

  static IndexedAttestation indexedAttestation(JsonFields f, long maxIndices) {
    return new IndexedAttestation(
        f.uint64s("attesting_indices", maxIndices), attestationData(f.object("data")), f.bytes("signature", SIGNATURE));
  }

  static SyncAggregatorSelectionData syncAggregatorSelectionData(JsonFields f) {
    return new SyncAggregatorSelectionData(f.uint64("slot"), f.uint64("subcommittee_index"));
  }

  static SyncCommitteeContribution syncCommitteeContribution(JsonFields f) {
    return new SyncCommitteeContribution(
        f.uint64("slot"),
        f.bytes32("beacon_block_root"),
        f.uint64("subcommittee_index"),
        f.byteList("aggregation_bits", BOUNDS.syncSubcommitteeSize() / 8),
        f.bytes("signature", SIGNATURE));
  }

  static ContributionAndProof contributionAndProof(JsonFields f) {
    return new ContributionAndProof(
        f.uint64("aggregator_index"),
        syncCommitteeContribution(f.object("contribution")),
        f.bytes("selection_proof", SIGNATURE));
  }

  static ValidatorRegistrationV1 validatorRegistration(JsonFields f) {
    return new ValidatorRegistrationV1(
        f.bytes("fee_recipient", ADDRESS), f.uint64("gas_limit"), f.uint64("timestamp"), f.bytes("pubkey", PUBKEY));
  }

  static BeaconBlock beaconBlock(JsonFields f, Fork fork) {
    return new BeaconBlock(
        f.uint64("slot"),
        f.uint64("proposer_index"),
        f.bytes32("parent_root"),
        f.bytes32("state_root"),
        beaconBlockBody(f.object("body"), fork));
  }

  static BeaconBlockBody beaconBlockBody(JsonFields f, Fork fork) {
    long attestationBits = BOUNDS.attestationBitsLimit(fork);
    long indices = BOUNDS.attestingIndicesLimit(fork);
    return new BeaconBlockBody(
        f.bytes("randao_reveal", SIGNATURE),
        eth1Data(f.object("eth1_data")),
        f.bytes32("graffiti"),
        f.mapObjects("proposer_slashings", BOUNDS.maxProposerSlashings(), ContainerJson::proposerSlashing),
        f.mapObjects(
            "attester_slashings",
            BOUNDS.maxAttesterSlashings(fork),
            s -> new AttesterSlashing(
                indexedAttestation(s.object("attestation_1"), indices),
                indexedAttestation(s.object("attestation_2"), indices))),
        f.mapObjects("attestations", BOUNDS.maxAttestations(fork), a -> attestation(a, attestationBits)),
        f.mapObjects("deposits", BOUNDS.maxDeposits(), ContainerJson::deposit),
        f.mapObjects("voluntary_exits", BOUNDS.maxVoluntaryExits(), ContainerJson::signedVoluntaryExit),
        fork.hasSyncCommittees() ? syncAggregate(f.object("sync_aggregate")) : null,
        fork.hasExecutionPayload() ? executionPayload(f, fork) : null,
        fork.hasWithdrawals()
            ? f.mapObjects("bls_to_execution_changes", BOUNDS.maxBlsToExecutionChanges(), ContainerJson::blsChange)
            : List.of(),
        fork.hasBlobs()
            ? f.fixedBytesList("blob_kzg_commitments", BOUNDS.maxBlobCommitmentsPerBlock(), FixedSizes.KZG_COMMITMENT)
            : List.of(),
        fork.hasExecutionRequests() ? executionRequests(f.object("execution_requests")) : null);
  }

  private static ProposerSlashing proposerSlashing(JsonFields f) {
    return new ProposerSlashing(
        signedBeaconBlockHeader(f.object("signed_header_1")), signedBeaconBlockHeader(f.object("signed_header_2")));
  }

  static SignedBeaconBlockHeader signedBeaconBlockHeader(JsonFields f) {
    return new SignedBeaconBlockHeader(beaconBlockHeader(f.object("message")), f.bytes("signature", SIGNATURE));
  }

  private static SyncAggregate syncAggregate(JsonFields f) {
    return new SyncAggregate(
        f.byteList("sync_committee_bits", BOUNDS.syncCommitteeSize() / 8), f.bytes("sync_committee_signature", SIGNATURE));
  }

  /** A blinded body carries execution_payload_header, a full one execution_payload. */
  private static ExecutionPayloadContent executionPayload(JsonFields body, Fork fork) {
    if (body.has("execution_payload_header")) {
      JsonFields f = body.object("execution_payload_header");
      return new ExecutionPayloadHeader(
          payloadFields(f, fork),
          f.bytes32("transactions_root"),
          fork.hasWithdrawals() ? f.bytes32("withdrawals_root") : dev.palisade.eth2.Bytes32.ZERO);
    }
    JsonFields f = body.object("execution_payload");
    return new ExecutionPayload(
        payloadFields(f, fork),
        f.byteLists("transactions", BOUNDS.maxTransactionsPerPayload(), BOUNDS.maxBytesPerTransaction()),
        fork.hasWithdrawals()
            ? f.mapObjects("withdrawals", BOUNDS.maxWithdrawalsPerPayload(), ContainerJson::withdrawal)
            : List.of());
  }

  private static ExecutionPayloadFields payloadFields(JsonFields f, Fork fork) {
    return new ExecutionPayloadFields(
        f.bytes32("parent_hash"),
        f.bytes("fee_recipient", ADDRESS),
        f.bytes32("state_root"),
        f.bytes32("receipts_root"),
        f.bytes("logs_bloom", BOUNDS.bytesPerLogsBloom()),
        f.bytes32("prev_randao"),
        f.uint64("block_number"),
        f.uint64("gas_limit"),
        f.uint64("gas_used"),
        f.uint64("timestamp"),
        f.byteList("extra_data", BOUNDS.maxExtraDataBytes()),
        f.uint256("base_fee_per_gas"),
        f.bytes32("block_hash"),
        fork.hasBlobs() ? f.uint64("blob_gas_used") : 0,
        fork.hasBlobs() ? f.uint64("excess_blob_gas") : 0);
  }

  private static Withdrawal withdrawal(JsonFields f) {
    return new Withdrawal(f.uint64("index"), f.uint64("validator_index"), f.bytes("address", ADDRESS), f.uint64("amount"));
  }

  private static SignedBlsToExecutionChange blsChange(JsonFields f) {
    JsonFields message = f.object("message");
    return new SignedBlsToExecutionChange(
        message.uint64("validator_index"),
        message.bytes("from_bls_pubkey", PUBKEY),
        message.bytes("to_execution_address", ADDRESS),
        f.bytes("signature", SIGNATURE));
  }

  private static ExecutionRequests executionRequests(JsonFields f) {
    return new ExecutionRequests(
        f.mapObjects(
            "deposits",
            BOUNDS.maxDepositRequestsPerPayload(),
            d -> new ExecutionRequests.DepositRequest(
                d.bytes("pubkey", PUBKEY),
                d.bytes32("withdrawal_credentials"),
                d.uint64("amount"),
                d.bytes("signature", SIGNATURE),
                d.uint64("index"))),
        f.mapObjects(
            "withdrawals",
            BOUNDS.maxWithdrawalRequestsPerPayload(),
            w -> new ExecutionRequests.WithdrawalRequest(
                w.bytes("source_address", ADDRESS), w.bytes("validator_pubkey", PUBKEY), w.uint64("amount"))),
        f.mapObjects(
            "consolidations",
            BOUNDS.maxConsolidationRequestsPerPayload(),
            c -> new ExecutionRequests.ConsolidationRequest(
                c.bytes("source_address", ADDRESS), c.bytes("source_pubkey", PUBKEY), c.bytes("target_pubkey", PUBKEY))));
  }
}
