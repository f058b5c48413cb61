package dev.palisade.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.Cidr;
import dev.palisade.policy.InvalidPolicyException;
import dev.palisade.policy.Rule;
import dev.palisade.policy.RuleOutcome;
import dev.palisade.policy.RuleType;
import java.util.ArrayList;
import java.util.List;

/** {@code source_cidrs}: the addresses requests may come from (attach to an identity, or to an operator for all of its identities). */
public final class SourceCidrs implements RuleType {
  public static final String RULE = "source_cidr";

  @Override
  public String name() {
    return "source_cidrs";
  }

  @Override
  public List<Rule> parse(JsonNode section, String path) {
    if (!section.isArray()) {
      throw new InvalidPolicyException(path, path + " must be a list of addresses or CIDRs");
    }
    List<Cidr> allowed = new ArrayList<>();
    for (JsonNode entry : section) {
      if (!entry.isTextual()) {
        throw new InvalidPolicyException(path, path + " must be a list of addresses or CIDRs");
      }
      try {
        allowed.add(Cidr.parse(entry.asText()));
      } catch (IllegalArgumentException e) {
        throw new InvalidPolicyException(path, path + ": " + e.getMessage());
      }
    }
    return List.of(request -> request.source().isPresent()
        && allowed.stream().anyMatch(cidr -> cidr.contains(request.source().get()))
        ? RuleOutcome.PASS
        : new RuleOutcome.Deny(RULE, "requests from " + request.source().map(a -> a.getHostAddress()).orElse("an unknown address")
            + " are not on the policy's source allowlist"));
  }

}
