package dev.palisade.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.SigningScopes;
import dev.palisade.policy.Fields;
import dev.palisade.policy.ApprovalRule;
import dev.palisade.policy.InvalidPolicyException;
import dev.palisade.policy.Rule;
import dev.palisade.policy.RuleOutcome;
import dev.palisade.policy.RuleType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code approvals}: a list of {@code {type, approvals, approval_lifetime}}: every message of {@code
 * type} needs that many approvals (e.g. deposits under a two-person rule). Exits have their own
 * {@code voluntary_exit} section; both may apply, and the stricter count wins.
 */
public final class Approvals implements RuleType {
  @Override
  public String name() {
    return "approvals";
  }

  @Override
  public List<Rule> parse(JsonNode section, String path) {
    if (!section.isArray()) {
      throw new InvalidPolicyException(path, path + " must be a list");
    }
    List<Rule> rules = new ArrayList<>();
    int index = 0;
    for (JsonNode entry : section) {
      String at = path + "[" + index++ + "]";
      Fields.onlyKnown(entry, at, Set.of("type", "approvals", "approval_lifetime", "totp"));
      String type = Fields.text(entry, "type", at).orElse("");
      if (SigningScopes.requiredFor(type).isEmpty()) {
        throw new InvalidPolicyException(at + ".type", at + ".type must be a Web3Signer signing type such as DEPOSIT");
      }
      long count = Fields.unsigned(entry, "approvals", at).orElse(2L);
      if (count < 1 || count > ExitRules.MAX_APPROVALS) {
        throw new InvalidPolicyException(at + ".approvals", at + ".approvals must be between 1 and " + ExitRules.MAX_APPROVALS);
      }
      Duration lifetime = Fields.duration(entry, "approval_lifetime", at).orElse(ExitRules.DEFAULT_LIFETIME);
      rules.add(new ApprovalRule(type, ApprovalRule.totpRequired(entry, at), request -> request.typeName().equals(type)
          ? new RuleOutcome.NeedsApproval((int) count, lifetime, type + " with key " + request.keyId())
          : RuleOutcome.PASS));
    }
    return rules;
  }
}
