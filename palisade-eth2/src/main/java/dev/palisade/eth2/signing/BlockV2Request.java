package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.DomainType;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.types.BeaconBlock;
import java.util.Optional;

/** BLOCK_V2 with a full block, hashed with the shape of {@code version}. */
public record BlockV2Request(ForkInfo forkContext, Bytes32 signingRootClaim, Fork version, BeaconBlock block)
    implements SigningRequest {
  @Override
  public SigningType type() {
    return SigningType.BLOCK_V2;
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
        block.hashTreeRoot(version, network.preset()),
        forkContext.domain(DomainType.BEACON_PROPOSER, network.epochAtSlot(block.slot()))));
  }
}
