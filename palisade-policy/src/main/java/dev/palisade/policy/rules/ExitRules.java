package dev.palisade.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.signing.VoluntaryExitRequest;
import dev.palisade.policy.Fields;
import dev.palisade.policy.ApprovalRule;
import dev.palisade.policy.InvalidPolicyException;
import dev.palisade.policy.Rule;
import dev.palisade.policy.RuleOutcome;
import dev.palisade.policy.RuleType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code voluntary_exit}: {@code action} {@code allow} (the default), {@code deny}, or {@code
 * approval} with {@code approvals} (default 2) other identities' approvals within {@code
 * approval_lifetime} (default PT24H), their votes with a TOTP code when {@code totp: required}; and
 * {@code not_before_epoch}, the first exit epoch allowed.
 */
public final class ExitRules implements RuleType {
  public static final String DENIED = "exit_denied";
  public static final String NOT_BEFORE_EPOCH = "exit_not_before_epoch";
  static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);
  /** More approvals than any operator has approvers would make exits impossible by typo. */
  static final int MAX_APPROVALS = 16;

  @Override
  public String name() {
    return "voluntary_exit";
  }

  @Override
  public List<Rule> parse(JsonNode section, String path) {
    Fields.onlyKnown(section, path, Set.of("action", "approvals", "approval_lifetime", "not_before_epoch", "totp"));
    String action = Fields.text(section, "action", path).orElse("allow");
    List<Rule> rules = new ArrayList<>();
    Optional<Long> notBefore = Fields.unsigned(section, "not_before_epoch", path);
    notBefore.ifPresent(epoch -> rules.add(request ->
        request.message() instanceof VoluntaryExitRequest exit
            && Long.compareUnsigned(exit.voluntaryExit().epoch(), epoch) < 0
            ? new RuleOutcome.Deny(NOT_BEFORE_EPOCH, "exit epoch " + Long.toUnsignedString(exit.voluntaryExit().epoch())
                + " is before the policy's not_before_epoch " + Long.toUnsignedString(epoch))
            : RuleOutcome.PASS));
    if (!action.equals("approval")
        && (section.has("approvals") || section.has("approval_lifetime") || section.has("totp"))) {
      String field = section.has("totp") ? ".totp" : ".approvals";
      throw new InvalidPolicyException(path + field, path + field + " needs action: approval");
    }
    switch (action) {
      case "allow" -> {
        // nothing to add: exits pass this section
      }
      case "deny" -> rules.add(request -> request.message() instanceof VoluntaryExitRequest
          ? new RuleOutcome.Deny(DENIED, "the policy denies voluntary exits for this key")
          : RuleOutcome.PASS);
      case "approval" -> {
        long count = Fields.unsigned(section, "approvals", path).orElse(2L);
        if (count < 1 || count > MAX_APPROVALS) {
          throw new InvalidPolicyException(path + ".approvals", path + ".approvals must be between 1 and " + MAX_APPROVALS);
        }
        Duration lifetime = Fields.duration(section, "approval_lifetime", path).orElse(DEFAULT_LIFETIME);
        rules.add(new ApprovalRule("VOLUNTARY_EXIT", ApprovalRule.totpRequired(section, path), request ->
            request.message() instanceof VoluntaryExitRequest exit
                ? new RuleOutcome.NeedsApproval((int) count, lifetime, "voluntary exit of validator "
                    + Long.toUnsignedString(exit.voluntaryExit().validatorIndex()) + " at epoch "
                    + Long.toUnsignedString(exit.voluntaryExit().epoch()))
                : RuleOutcome.PASS));
      }
      default -> throw new InvalidPolicyException(path + ".action", path + ".action must be allow, deny or approval");
    }
    return rules;
  }
}
