package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.DomainType;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.types.ContributionAndProof;
import java.util.Optional;

/** SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF: the bitvector size follows the network's preset. Needs Altair. */
public record SyncCommitteeContributionAndProofRequest(
    ForkInfo forkContext, Bytes32 signingRootClaim, ContributionAndProof contributionAndProof) implements SigningRequest {
  @Override
  public SigningType type() {
    return SigningType.SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF;
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
      long epoch = network.epochAtSlot(contributionAndProof.contribution().slot());
      RootComputation.requireActive(network, Fork.ALTAIR, epoch, type());
      return SigningRoots.of(
          contributionAndProof.hashTreeRoot(network.preset()), forkContext.domain(DomainType.CONTRIBUTION_AND_PROOF, epoch));
    });
  }
}
