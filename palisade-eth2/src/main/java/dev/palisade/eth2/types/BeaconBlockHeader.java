package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

public record BeaconBlockHeader(
    long slot, long proposerIndex, Bytes32 parentRoot, Bytes32 stateRoot, Bytes32 bodyRoot) {
  public BeaconBlockHeader {
    Objects.requireNonNull(parentRoot, "parentRoot");
    Objects.requireNonNull(stateRoot, "stateRoot");
    Objects.requireNonNull(bodyRoot, "bodyRoot");
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(Ssz.uint64(slot), Ssz.uint64(proposerIndex), parentRoot, stateRoot, bodyRoot);
  }
}
