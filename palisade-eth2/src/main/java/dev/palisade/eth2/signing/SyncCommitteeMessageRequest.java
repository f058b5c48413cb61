package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.DomainType;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Network;
import java.util.Optional;

/** SYNC_COMMITTEE_MESSAGE: signs the beacon block root itself. Needs Altair. */
public record SyncCommitteeMessageRequest(ForkInfo forkContext, Bytes32 signingRootClaim, Bytes32 beaconBlockRoot, long slot)
    implements SigningRequest {
  @Override
  public SigningType type() {
    return SigningType.SYNC_COMMITTEE_MESSAGE;
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
    return RootComputation.guarded(type(), network, () -> {
      long epoch = network.epochAtSlot(slot);
      RootComputation.requireActive(network, Fork.ALTAIR, epoch, type());
      return SigningRoots.of(beaconBlockRoot, forkContext.domain(DomainType.SYNC_COMMITTEE, epoch));
    });
  }
}
