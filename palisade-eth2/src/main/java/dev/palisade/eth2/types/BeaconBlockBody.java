package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.ssz.Ssz;
import dev.palisade.eth2.ssz.SszException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A block body of any fork. Fields a fork does not have are null (objects) or empty (lists) and
 * are left out of the root; which fields a fork has is decided by {@link Fork}.
 */
public record BeaconBlockBody(
    Bytes randaoReveal,
    Eth1Data eth1Data,
    Bytes32 graffiti,
    List<ProposerSlashing> proposerSlashings,
    List<AttesterSlashing> attesterSlashings,
    List<Attestation> attestations,
    List<Deposit> deposits,
    List<SignedVoluntaryExit> voluntaryExits,
    SyncAggregate syncAggregate,
    ExecutionPayloadContent executionPayload,
    List<SignedBlsToExecutionChange> blsToExecutionChanges,
    List<Bytes> blobKzgCommitments,
    ExecutionRequests executionRequests) {

  public BeaconBlockBody {
    FixedSizes.require(randaoReveal, FixedSizes.BLS_SIGNATURE, "randaoReveal");
    Objects.requireNonNull(eth1Data, "eth1Data");
    Objects.requireNonNull(graffiti, "graffiti");
    proposerSlashings = List.copyOf(proposerSlashings);
    attesterSlashings = List.copyOf(attesterSlashings);
    attestations = List.copyOf(attestations);
    deposits = List.copyOf(deposits);
    voluntaryExits = List.copyOf(voluntaryExits);
    blsToExecutionChanges = List.copyOf(blsToExecutionChanges);
    blobKzgCommitments = List.copyOf(blobKzgCommitments);
    for (Bytes commitment : blobKzgCommitments) {
      FixedSizes.require(commitment, FixedSizes.KZG_COMMITMENT, "blobKzgCommitment");
    }
  }

  public Bytes32 hashTreeRoot(Fork fork, Preset preset) {
    List<Bytes32> roots = new ArrayList<>(13);
    roots.add(Ssz.byteVector(randaoReveal));
    roots.add(eth1Data.hashTreeRoot());
    roots.add(graffiti);
    roots.add(Ssz.list(proposerSlashings, preset.maxProposerSlashings(), ProposerSlashing::hashTreeRoot, "proposer_slashings"));
    roots.add(Ssz.list(
        attesterSlashings, preset.maxAttesterSlashings(fork), s -> s.hashTreeRoot(fork, preset), "attester_slashings"));
    roots.add(Ssz.list(attestations, preset.maxAttestations(fork), a -> a.hashTreeRoot(fork, preset), "attestations"));
    roots.add(Ssz.list(deposits, preset.maxDeposits(), Deposit::hashTreeRoot, "deposits"));
    roots.add(Ssz.list(voluntaryExits, preset.maxVoluntaryExits(), SignedVoluntaryExit::hashTreeRoot, "voluntary_exits"));
    if (fork.hasSyncCommittees()) {
      roots.add(required(syncAggregate, "sync_aggregate", fork).hashTreeRoot(preset));
    }
    if (fork.hasExecutionPayload()) {
      roots.add(required(executionPayload, "execution_payload", fork).hashTreeRoot(fork, preset));
    }
    if (fork.hasWithdrawals()) {
      roots.add(Ssz.list(
          blsToExecutionChanges,
          preset.maxBlsToExecutionChanges(),
          SignedBlsToExecutionChange::hashTreeRoot,
          "bls_to_execution_changes"));
    }
    if (fork.hasBlobs()) {
      roots.add(Ssz.list(blobKzgCommitments, preset.maxBlobCommitmentsPerBlock(), Ssz::byteVector, "blob_kzg_commitments"));
    }
    if (fork.hasExecutionRequests()) {
      roots.add(required(executionRequests, "execution_requests", fork).hashTreeRoot(preset));
    }
    return Ssz.container(roots.toArray(Bytes32[]::new));
  }

  private static <T> T required(T value, String field, Fork fork) {
    if (value == null) {
      throw new SszException(field + " is required in a " + fork + " block body");
    }
    return value;
  }
}
