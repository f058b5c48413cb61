package dev.palisade.auth;

import java.util.Map;
import java.util.Optional;

/**
 * Which scope each Web3Signer signing type requires. Keyed by the type's name as it appears in the
 * request's {@code type} field, so this module does not depend on the request decoder.
 */
public final class SigningScopes {
  private static final Map<String, Scope> REQUIRED =
      Map.ofEntries(
          Map.entry("BLOCK", Scope.SIGN_BLOCK),
          Map.entry("BLOCK_V2", Scope.SIGN_BLOCK),
          Map.entry("ATTESTATION", Scope.SIGN_ATTESTATION),
          Map.entry("AGGREGATION_SLOT", Scope.SIGN_AGGREGATE),
          Map.entry("AGGREGATE_AND_PROOF", Scope.SIGN_AGGREGATE),
          Map.entry("AGGREGATE_AND_PROOF_V2", Scope.SIGN_AGGREGATE),
          Map.entry("SYNC_COMMITTEE_MESSAGE", Scope.SIGN_SYNC),
          Map.entry("SYNC_COMMITTEE_SELECTION_PROOF", Scope.SIGN_SYNC),
          Map.entry("SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF", Scope.SIGN_SYNC),
          Map.entry("RANDAO_REVEAL", Scope.SIGN_RANDAO),
          Map.entry("VALIDATOR_REGISTRATION", Scope.SIGN_REGISTRATION),
          Map.entry("VOLUNTARY_EXIT", Scope.SIGN_EXIT),
          Map.entry("DEPOSIT", Scope.SIGN_DEPOSIT));

  private SigningScopes() {}

  /** The scope a signing type requires; empty for a name that is not a signing type. */
  public static Optional<Scope> requiredFor(String signingType) {
    return Optional.ofNullable(signingType).map(REQUIRED::get);
  }

  /** Every signing type name this mapping knows (the 13 Web3Signer types). */
  public static java.util.Set<String> signingTypes() {
    return REQUIRED.keySet();
  }
}
