package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.DomainType;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.types.BeaconBlock;
import java.util.Optional;

/** Deprecated BLOCK: a phase0-shaped full block. */
public record BlockRequest(ForkInfo forkContext, Bytes32 signingRootClaim, BeaconBlock block) implements SigningRequest {
  @Override
  public SigningType type() {
    return SigningType.BLOCK;
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
    return Optional.of(new SlashingSubject.Block(block.slot()));
  }

  @Override
  public SigningRoots signingRoots(Network network) {
    return RootComputation.guarded(type(), network, () -> SigningRoots.of(
        block.hashTreeRoot(Fork.PHASE0, network.preset()),
        forkContext.domain(DomainType.BEACON_PROPOSER, network.epochAtSlot(block.slot()))));
  }
}
