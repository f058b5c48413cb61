package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;

public record Withdrawal(long index, long validatorIndex, Bytes address, long amount) {
  public Withdrawal {
    FixedSizes.require(address, FixedSizes.EXECUTION_ADDRESS, "address");
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(
        Ssz.uint64(index), Ssz.uint64(validatorIndex), Ssz.byteVector(address), Ssz.uint64(amount));
  }
}
