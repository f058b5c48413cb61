package dev.palisade.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.policy.Fields;
import dev.palisade.policy.InvalidPolicyException;
import dev.palisade.policy.Rule;
import dev.palisade.policy.RuleOutcome;
import dev.palisade.policy.RuleType;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** {@code time_lock}: {@code not_before}, the time before which the key signs nothing. */
public final class TimeLock implements RuleType {
  public static final String RULE = "time_lock";

  @Override
  public String name() {
    return "time_lock";
  }

  @Override
  public List<Rule> parse(JsonNode section, String path) {
    Fields.onlyKnown(section, path, Set.of("not_before"));
    Instant notBefore = Fields.instant(section, "not_before", path)
        .orElseThrow(() -> new InvalidPolicyException(path + ".not_before", path + ".not_before is required"));
    return List.of(request -> request.time().isBefore(notBefore)
        ? new RuleOutcome.Deny(RULE, "the key is time-locked until " + notBefore)
        : RuleOutcome.PASS);
  }
}
