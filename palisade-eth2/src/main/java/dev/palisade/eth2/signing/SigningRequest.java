package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Network;
import java.util.Optional;

/**
 * A decoded Web3Signer eth2 signing request: one record per type (BLOCK_V2 has two shapes). The
 * signing root is always recomputed from the typed message; a client-sent root is only reported by
 * {@link #claimedSigningRoot()} for the caller to compare.
 */
public sealed interface SigningRequest
    permits BlockRequest,
        BlockV2Request,
        BlockHeaderV2Request,
        AttestationRequest,
        AggregationSlotRequest,
        AggregateAndProofRequest,
        DepositRequest,
        RandaoRevealRequest,
        VoluntaryExitRequest,
        SyncCommitteeMessageRequest,
        SyncCommitteeSelectionProofRequest,
        SyncCommitteeContributionAndProofRequest,
        ValidatorRegistrationRequest {

  SigningType type();

  /** The request's fork_info; empty for DEPOSIT and VALIDATOR_REGISTRATION. */
  Optional<ForkInfo> forkInfo();

  /** The body's signingRoot / signing_root, if it had one. */
  Optional<Bytes32> claimedSigningRoot();

  /** Present for BLOCK and BLOCK_V2 (the slot) and ATTESTATION (source and target epochs). */
  Optional<SlashingSubject> slashingSubject();

  /**
   * Object root, domain and signing root of the message on {@code network}.
   *
   * @throws InvalidRequestException if the message cannot be signed on this network (a list over
   *     the network preset's limit, sync committee types before Altair, …)
   */
  SigningRoots signingRoots(Network network);

  /** The signing root, always recomputed; see {@link #signingRoots(Network)}. */
  default Bytes32 signingRoot(Network network) {
    return signingRoots(network).signingRoot();
  }
}
