package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

public record AttestationData(
    long slot, long index, Bytes32 beaconBlockRoot, Checkpoint source, Checkpoint target) {
  public AttestationData {
    Objects.requireNonNull(beaconBlockRoot, "beaconBlockRoot");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(
        Ssz.uint64(slot), Ssz.uint64(index), beaconBlockRoot, source.hashTreeRoot(), target.hashTreeRoot());
  }
}
