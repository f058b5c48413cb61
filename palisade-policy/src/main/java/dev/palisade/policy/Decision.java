package dev.palisade.policy;

/** The engine's answer; every decision names the policy version it was made under. */
public sealed interface Decision {
  String APPROVAL_REQUIRED = "approval_required";

  long version();

  /** The rule that decided, for metrics: {@code none} when nothing stood in the way. */
  String rule();

  record Allow(long version, String rule) implements Decision {}

  record Deny(String rule, String message, long version) implements Decision {}

  /** {@code approvalId} empty in a dry run, where nothing is created. */
  record NeedsApproval(String approvalId, int required, String message, long version) implements Decision {
    @Override
    public String rule() {
      return APPROVAL_REQUIRED;
    }
  }
}
