package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

public record SignedBeaconBlockHeader(BeaconBlockHeader message, Bytes signature) {
  public SignedBeaconBlockHeader {
    Objects.requireNonNull(message, "message");
    FixedSizes.require(signature, FixedSizes.BLS_SIGNATURE, "signature");
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(message.hashTreeRoot(), Ssz.byteVector(signature));
  }
}
