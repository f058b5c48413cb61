package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

public record SyncCommitteeMessage(long slot, Bytes32 beaconBlockRoot, long validatorIndex, Bytes signature) {
  public SyncCommitteeMessage {
    Objects.requireNonNull(beaconBlockRoot, "beaconBlockRoot");
    FixedSizes.require(signature, FixedSizes.BLS_SIGNATURE, "signature");
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(
        Ssz.uint64(slot), beaconBlockRoot, Ssz.uint64(validatorIndex), Ssz.byteVector(signature));
  }
}
