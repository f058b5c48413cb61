package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.DomainType;
import dev.palisade.eth2.Domains;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.types.ValidatorRegistrationV1;
import java.util.Optional;

/** VALIDATOR_REGISTRATION (builder-specs): network GENESIS_FORK_VERSION, zero genesis validators root. */
public record ValidatorRegistrationRequest(Bytes32 signingRootClaim, ValidatorRegistrationV1 registration)
    implements SigningRequest {
  @Override
  public SigningType type() {
    return SigningType.VALIDATOR_REGISTRATION;
  }

  @Override
  public Optional<ForkInfo> forkInfo() {
    return Optional.empty();
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
        registration.hashTreeRoot(),
        Domains.computeDomain(DomainType.APPLICATION_BUILDER, network.genesisForkVersion(), Bytes32.ZERO)));
  }
}
