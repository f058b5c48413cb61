package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;

public record VoluntaryExit(long epoch, long validatorIndex) {
  public Bytes32 hashTreeRoot() {
    return Ssz.container(Ssz.uint64(epoch), Ssz.uint64(validatorIndex));
  }
}
