package dev.palisade.slashing;

import java.util.Objects;

/** The outcome of a check-and-record. */
public sealed interface Verdict permits Verdict.Allowed, Verdict.Refused {

  boolean isAllowed();

  /** Sign it: the request is recorded durably (or an identical request was already). */
  record Allowed(Outcome outcome) implements Verdict {
    public static final Allowed RECORDED = new Allowed(Outcome.RECORDED);
    public static final Allowed IDENTICAL_RESIGN = new Allowed(Outcome.IDENTICAL_RESIGN);

    public enum Outcome {
      /** A new record was committed. */
      RECORDED,
      /** The same message (same slot/epochs and signing root) was signed before: nothing new. */
      IDENTICAL_RESIGN
    }

    public Allowed {
      Objects.requireNonNull(outcome);
    }

    @Override
    public boolean isAllowed() {
      return true;
    }
  }

  /**
   * Do not sign. {@code conflicting} names the record (or pinned root) that forbids it; it may be
   * null only for {@link Rule#VALIDATOR_DISABLED} and {@link Rule#ATTESTATION_SOURCE_EXCEEDS_TARGET}.
   */
  record Refused(Rule rule, String message, Conflict conflicting) implements Verdict {
    public Refused {
      Objects.requireNonNull(rule);
      Objects.requireNonNull(message);
    }

    /** Stable machine-readable name, e.g. {@code attestation_surrounds_existing}. */
    public String ruleName() {
      return rule.code();
    }

    @Override
    public boolean isAllowed() {
      return false;
    }
  }
}
