package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

public record ContributionAndProof(
    long aggregatorIndex, SyncCommitteeContribution contribution, Bytes selectionProof) {
  public ContributionAndProof {
    Objects.requireNonNull(contribution, "contribution");
    FixedSizes.require(selectionProof, FixedSizes.BLS_SIGNATURE, "selectionProof");
  }

  public Bytes32 hashTreeRoot(Preset preset) {
    return Ssz.container(
        Ssz.uint64(aggregatorIndex), contribution.hashTreeRoot(preset), Ssz.byteVector(selectionProof));
  }
}
