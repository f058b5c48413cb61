package dev.palisade.slashing;

import dev.palisade.eth2.Bytes32;

/**
 * The EIP-3076 policy as pure functions of the validator's watermarks.
 *
 * <p>The policy is the EIP's "minimal" strategy: a block must have a slot above every recorded
 * slot; an attestation must have a target above every recorded target and a source no lower than
 * every recorded source. Because every recorded record lies at or below these watermarks, no
 * allowed request can be a double proposal, a double vote, or a surround vote, whatever history
 * the watermarks summarise (signed here, imported, or pruned). Deciding from one row is what makes
 * the check a single conditional update that serialises correctly on any SQL database.
 *
 * <p>One exception: re-signing exactly a message this store signed before (same slot, or same
 * source and target, and the same signing root) is allowed without a new record. Imported entries
 * never qualify, with or without a signing root (EIP-3076 test expectations).
 */
final class SlashingRules {
  private SlashingRules() {}

  static Verdict checkBlock(
      ValidatorState state, long slot, Bytes32 signingRoot, boolean identicalSignedRecordExists) {
    if (!state.enabled()) {
      return disabled();
    }
    if (identicalSignedRecordExists) {
      return Verdict.Allowed.IDENTICAL_RESIGN;
    }
    Long highest = state.blockSlot();
    if (highest == null || Long.compareUnsigned(slot, highest) > 0) {
      return Verdict.Allowed.RECORDED;
    }
    SignedBlock watermark = new SignedBlock(highest, state.blockRoot());
    if (slot == highest) {
      return new Verdict.Refused(
          Rule.BLOCK_DOUBLE_PROPOSAL,
          "a block at slot " + u(slot) + " was already signed with "
              + (state.blockRoot() == null ? "an unknown signing root" : "signing root " + state.blockRoot()),
          watermark);
    }
    return new Verdict.Refused(
        Rule.BLOCK_BELOW_WATERMARK,
        "slot " + u(slot) + " is below the highest recorded block slot " + u(highest),
        watermark);
  }

  static Verdict checkAttestation(
      ValidatorState state,
      long source,
      long target,
      Bytes32 signingRoot,
      boolean identicalSignedRecordExists) {
    if (!state.enabled()) {
      return disabled();
    }
    if (Long.compareUnsigned(source, target) > 0) {
      return sourceExceedsTarget(source, target);
    }
    if (identicalSignedRecordExists) {
      return Verdict.Allowed.IDENTICAL_RESIGN;
    }
    Long highSource = state.attSource();
    Long highTarget = state.attTarget();
    if (highTarget == null) {
      return Verdict.Allowed.RECORDED;
    }
    SignedAttestation watermark = new SignedAttestation(highSource, highTarget, state.attRoot());
    int targetOrder = Long.compareUnsigned(target, highTarget);
    int sourceOrder = Long.compareUnsigned(source, highSource);
    if (targetOrder == 0) {
      return new Verdict.Refused(
          Rule.ATTESTATION_DOUBLE_VOTE,
          "an attestation with target epoch " + u(target) + " was already signed with "
              + (state.attRoot() == null ? "an unknown signing root" : "signing root " + state.attRoot()),
          watermark);
    }
    if (targetOrder < 0) {
      if (sourceOrder > 0) {
        return new Verdict.Refused(
            Rule.ATTESTATION_SURROUNDED_BY_EXISTING,
            "attestation (" + u(source) + ", " + u(target) + ") would be surrounded by recorded " + watermark,
            watermark);
      }
      return new Verdict.Refused(
          Rule.ATTESTATION_BELOW_WATERMARK,
          "target epoch " + u(target) + " is below the highest recorded target epoch " + u(highTarget),
          watermark);
    }
    if (sourceOrder < 0) {
      return new Verdict.Refused(
          Rule.ATTESTATION_SURROUNDS_EXISTING,
          "attestation (" + u(source) + ", " + u(target) + ") would surround recorded " + watermark,
          watermark);
    }
    return Verdict.Allowed.RECORDED;
  }

  static Verdict.Refused sourceExceedsTarget(long source, long target) {
    return new Verdict.Refused(
        Rule.ATTESTATION_SOURCE_EXCEEDS_TARGET,
        "source epoch " + u(source) + " is greater than target epoch " + u(target),
        null);
  }

  static Verdict.Refused genesisRootMismatch(Bytes32 pinned, Bytes32 requested) {
    return new Verdict.Refused(
        Rule.GENESIS_VALIDATORS_ROOT_MISMATCH,
        "genesis validators root " + requested + " does not match " + pinned
            + " pinned in the slashing protection database",
        new Conflict.PinnedGenesisRoot(pinned));
  }

  private static Verdict.Refused disabled() {
    return new Verdict.Refused(
        Rule.VALIDATOR_DISABLED, "the validator is disabled in the slashing protection database", null);
  }

  private static String u(long v) {
    return Long.toUnsignedString(v);
  }
}
