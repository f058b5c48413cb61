package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.DomainType;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.types.AggregateAndProof;
import java.util.Optional;

/**
 * AGGREGATE_AND_PROOF and AGGREGATE_AND_PROOF_V2. As in Web3Signer, the aggregate's SSZ shape
 * (Electra committee_bits and bitlist size) follows the network's fork at the aggregate's slot, not
 * the request's {@code version}, which is kept for information only.
 */
public record AggregateAndProofRequest(
    SigningType type, ForkInfo forkContext, Bytes32 signingRootClaim, Optional<Fork> version, AggregateAndProof aggregateAndProof)
    implements SigningRequest {
  public AggregateAndProofRequest {
    if (type != SigningType.AGGREGATE_AND_PROOF && type != SigningType.AGGREGATE_AND_PROOF_V2) {
      throw new IllegalArgumentException("not an aggregate-and-proof type: " + type);
    }
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
    return RootComputation.guarded(type, network, () -> {
      long slot = aggregateAndProof.aggregate().data().slot();
      long epoch = network.epochAtSlot(slot);
      return SigningRoots.of(
          aggregateAndProof.hashTreeRoot(network.forkAtEpoch(epoch), network.preset()),
          forkContext.domain(DomainType.AGGREGATE_AND_PROOF, epoch));
    });
  }
}
