package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;

/** builder-specs ValidatorRegistrationV1. */
public record ValidatorRegistrationV1(Bytes feeRecipient, long gasLimit, long timestamp, Bytes pubkey) {
  public ValidatorRegistrationV1 {
    FixedSizes.require(feeRecipient, FixedSizes.EXECUTION_ADDRESS, "feeRecipient");
    FixedSizes.require(pubkey, FixedSizes.BLS_PUBKEY, "pubkey");
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(
        Ssz.byteVector(feeRecipient), Ssz.uint64(gasLimit), Ssz.uint64(timestamp), Ssz.byteVector(pubkey));
  }
}
