package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.DomainType;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.types.AttestationData;
import java.util.Optional;

/** ATTESTATION: AttestationData, domain at target.epoch. */
public record AttestationRequest(ForkInfo forkContext, Bytes32 signingRootClaim, AttestationData attestation)
    implements SigningRequest {
  @Override
  public SigningType type() {
    return SigningType.ATTESTATION;
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
    return Optional.of(new SlashingSubject.Attestation(attestation.source().epoch(), attestation.target().epoch()));
  }

  @Override
  public SigningRoots signingRoots(Network network) {
    return RootComputation.guarded(type(), network, () -> SigningRoots.of(
        attestation.hashTreeRoot(), forkContext.domain(DomainType.BEACON_ATTESTER, attestation.target().epoch())));
  }
}
