package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

/** What a deposit signature signs: the DepositData without its signature. */
public record DepositMessage(Bytes pubkey, Bytes32 withdrawalCredentials, long amount) {
  public DepositMessage {
    FixedSizes.require(pubkey, FixedSizes.BLS_PUBKEY, "pubkey");
    Objects.requireNonNull(withdrawalCredentials, "withdrawalCredentials");
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(Ssz.byteVector(pubkey), withdrawalCredentials, Ssz.uint64(amount));
  }
}
