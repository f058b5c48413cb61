package dev.palisade.slashing;

/** Why a request was refused. {@link #code()} is stable and machine-readable (HTTP 412 bodies). */
public enum Rule {
  GENESIS_VALIDATORS_ROOT_MISMATCH("genesis_validators_root_mismatch"),
  VALIDATOR_DISABLED("validator_disabled"),
  /** Same slot as the highest recorded block, different or unknown signing root. */
  BLOCK_DOUBLE_PROPOSAL("block_double_proposal"),
  /** Slot below the highest recorded (signed or imported) block slot. */
  BLOCK_BELOW_WATERMARK("block_below_watermark"),
  ATTESTATION_SOURCE_EXCEEDS_TARGET("attestation_source_exceeds_target"),
  /** Same target as the highest recorded target, different or unknown signing root. */
  ATTESTATION_DOUBLE_VOTE("attestation_double_vote"),
  /** The new vote would be surrounded by the recorded one. */
  ATTESTATION_SURROUNDED_BY_EXISTING("attestation_surrounded_by_existing"),
  /** The new vote would surround the recorded one. */
  ATTESTATION_SURROUNDS_EXISTING("attestation_surrounds_existing"),
  /** Target at or below the highest recorded target (or source below the highest source). */
  ATTESTATION_BELOW_WATERMARK("attestation_below_watermark");

  private final String code;

  Rule(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
