package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.DomainType;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.types.BeaconBlockHeader;
import java.util.Optional;

/** BLOCK_V2 with a block_header (Bellatrix on): the header's root equals the block's. */
public record BlockHeaderV2Request(ForkInfo forkContext, Bytes32 signingRootClaim, Fork version, BeaconBlockHeader header)
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
    return Optional.of(new SlashingSubject.Block(header.slot()));
  }

  @Override
  public SigningRoots signingRoots(Network network) {
    return RootComputation.guarded(type(), network, () -> SigningRoots.of(
        header.hashTreeRoot(), forkContext.domain(DomainType.BEACON_PROPOSER, network.epochAtSlot(header.slot()))));
  }
}
