package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.DomainType;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Optional;

/** AGGREGATION_SLOT: the selection proof signs the slot itself. */
public record AggregationSlotRequest(ForkInfo forkContext, Bytes32 signingRootClaim, long slot) implements SigningRequest {
  @Override
  public SigningType type() {
    return SigningType.AGGREGATION_SLOT;
  }

  @Override
  public Optional<ForkInfo> forkInfo() {
    return Optional.of(forkContext);
  }

  @Override
  public Optional<Bytes32> claimedSigningRoot() {
    return Optional.ofNullable(signingRootClaim);
  }

  @Override
  public Optional<SlashingSubject> slashingSubject() {
    return Optional.empty();
  }

  @Override
  public SigningRoots signingRoots(Network network) {
    return RootComputation.guarded(type(), network, () -> SigningRoots.of(
        Ssz.uint64(slot), forkContext.domain(DomainType.SELECTION_PROOF, network.epochAtSlot(slot))));
  }
}
