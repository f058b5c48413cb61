package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;

public record SyncAggregatorSelectionData(long slot, long subcommitteeIndex) {
  public Bytes32 hashTreeRoot() {
    return Ssz.container(Ssz.uint64(slot), Ssz.uint64(subcommitteeIndex));
  }
}
