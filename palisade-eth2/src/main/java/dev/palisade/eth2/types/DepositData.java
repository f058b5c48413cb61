package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

/** hash_tree_root(DepositData) is the deposit_data_root passed to the deposit contract. */
public record DepositData(Bytes pubkey, Bytes32 withdrawalCredentials, long amount, Bytes signature) {
  public DepositData {
    FixedSizes.require(pubkey, FixedSizes.BLS_PUBKEY, "pubkey");
    Objects.requireNonNull(withdrawalCredentials, "withdrawalCredentials");
    FixedSizes.require(signature, FixedSizes.BLS_SIGNATURE, "signature");
  }

  public DepositMessage message() {
    return new DepositMessage(pubkey, withdrawalCredentials, amount);
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(
        Ssz.byteVector(pubkey), withdrawalCredentials, Ssz.uint64(amount), Ssz.byteVector(signature));
  }
}
