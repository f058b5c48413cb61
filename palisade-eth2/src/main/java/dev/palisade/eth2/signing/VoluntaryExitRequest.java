package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.DomainType;
import dev.palisade.eth2.Domains;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.types.VoluntaryExit;
import java.util.Optional;

/**
 * VOLUNTARY_EXIT. EIP-7044: once Deneb is active at the exit epoch, exits are signed with the
 * network's CAPELLA fork version (so they never expire), whatever the request's fork_info says.
 */
public record VoluntaryExitRequest(ForkInfo forkContext, Bytes32 signingRootClaim, VoluntaryExit voluntaryExit)
    implements SigningRequest {
  @Override
  public SigningType type() {
    return SigningType.VOLUNTARY_EXIT;
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
      long epoch = voluntaryExit.epoch();
      Bytes32 domain =
          network.isActive(Fork.DENEB, epoch)
              ? Domains.computeDomain(
                  DomainType.VOLUNTARY_EXIT, network.version(Fork.CAPELLA), forkContext.genesisValidatorsRoot())
              : forkContext.domain(DomainType.VOLUNTARY_EXIT, epoch);
      return SigningRoots.of(voluntaryExit.hashTreeRoot(), domain);
    });
  }
}
