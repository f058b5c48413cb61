package dev.palisade.eth2.signing;

import java.util.Optional;

/** The Web3Signer eth2 signing types, each with the JSON key that carries its message. */
public enum SigningType {
  BLOCK("block", true),
  BLOCK_V2("beacon_block", true),
  ATTESTATION("attestation", true),
  AGGREGATION_SLOT("aggregation_slot", true),
  AGGREGATE_AND_PROOF("aggregate_and_proof", true),
  AGGREGATE_AND_PROOF_V2("aggregate_and_proof", true),
  DEPOSIT("deposit", false),
  RANDAO_REVEAL("randao_reveal", true),
  VOLUNTARY_EXIT("voluntary_exit", true),
  SYNC_COMMITTEE_MESSAGE("sync_committee_message", true),
  SYNC_COMMITTEE_SELECTION_PROOF("sync_aggregator_selection_data", true),
  SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF("contribution_and_proof", true),
  VALIDATOR_REGISTRATION("validator_registration", false);

  private final String payloadKey;
  private final boolean needsForkInfo;

  SigningType(String payloadKey, boolean needsForkInfo) {
    this.payloadKey = payloadKey;
    this.needsForkInfo = needsForkInfo;
  }

  /** The request body key of this type's message, e.g. {@code beacon_block} for BLOCK_V2. */
  public String payloadKey() {
    return payloadKey;
  }

  /** DEPOSIT and VALIDATOR_REGISTRATION take their domain from elsewhere and carry no fork_info. */
  public boolean needsForkInfo() {
    return needsForkInfo;
  }

  /**
   * Whether many validators sign this type's message word for word, and the message is public before
   * anyone signs it: a committee's attestation data, a slot (selection proof), a slot's head block root
   * (sync committee message), a sync subcommittee's selection data. A signer may share work between keys
   * for these; never for a message only its signer knows (a block, an exit, a deposit).
   */
  public boolean signedAlikeByManyValidators() {
    return switch (this) {
      case ATTESTATION, AGGREGATION_SLOT, SYNC_COMMITTEE_MESSAGE, SYNC_COMMITTEE_SELECTION_PROOF -> true;
      default -> false;
    };
  }

  /** Case-insensitive lookup, as Web3Signer accepts any case. */
  public static Optional<SigningType> fromName(String name) {
    if (name == null) {
      return Optional.empty();
    }
    // exact apart from case: a NUL, whitespace or other control character makes it another word
    for (SigningType type : values()) {
      if (type.name().equalsIgnoreCase(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
