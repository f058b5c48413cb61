package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;

/** Capella SignedBLSToExecutionChange with its BLSToExecutionChange message flattened in. */
public record SignedBlsToExecutionChange(
    long validatorIndex, Bytes fromBlsPubkey, Bytes toExecutionAddress, Bytes signature) {
  public SignedBlsToExecutionChange {
    FixedSizes.require(fromBlsPubkey, FixedSizes.BLS_PUBKEY, "fromBlsPubkey");
    FixedSizes.require(toExecutionAddress, FixedSizes.EXECUTION_ADDRESS, "toExecutionAddress");
    FixedSizes.require(signature, FixedSizes.BLS_SIGNATURE, "signature");
  }

  /** hash_tree_root(BLSToExecutionChange), the message that is signed. */
  public Bytes32 messageRoot() {
    return Ssz.container(
        Ssz.uint64(validatorIndex), Ssz.byteVector(fromBlsPubkey), Ssz.byteVector(toExecutionAddress));
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(messageRoot(), Ssz.byteVector(signature));
  }
}
