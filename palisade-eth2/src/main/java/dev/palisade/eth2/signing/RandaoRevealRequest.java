package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.DomainType;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Optional;

/** RANDAO_REVEAL: signs the epoch itself. */
public record RandaoRevealRequest(ForkInfo forkContext, Bytes32 signingRootClaim, long epoch) implements SigningRequest {
  @Override
  public SigningType type() {
    return SigningType.RANDAO_REVEAL;
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
        Ssz.uint64(epoch), forkContext.domain(DomainType.RANDAO, epoch)));
  }
}
