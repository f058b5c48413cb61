package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

/** AggregateAndProof; its aggregate's shape (phase0 or Electra) follows the fork given. */
public record AggregateAndProof(long aggregatorIndex, Attestation aggregate, Bytes selectionProof) {
  public AggregateAndProof {
    Objects.requireNonNull(aggregate, "aggregate");
    FixedSizes.require(selectionProof, FixedSizes.BLS_SIGNATURE, "selectionProof");
  }

  public Bytes32 hashTreeRoot(Fork fork, Preset preset) {
    return Ssz.container(
        Ssz.uint64(aggregatorIndex), aggregate.hashTreeRoot(fork, preset), Ssz.byteVector(selectionProof));
  }
}
