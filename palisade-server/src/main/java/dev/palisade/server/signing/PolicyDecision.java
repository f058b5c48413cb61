package dev.palisade.server.signing;

/** The outcome of a {@link SigningPolicy}. */
public sealed interface PolicyDecision {
  Allow ALLOW = new Allow();

  /** {@code note} (may be null) is added to the audit row of the signature, e.g. the policy version. */
  record Allow(String note) implements PolicyDecision {
    public Allow() {
      this(null);
    }
  }

  /**
   * A refusal. {@code rule} is a stable machine-readable name (e.g. {@code DOUBLE_VOTE}); {@code
   * message} explains it to a human and names the conflicting record.
   */
  record Deny(String rule, String message) implements PolicyDecision {}
}
