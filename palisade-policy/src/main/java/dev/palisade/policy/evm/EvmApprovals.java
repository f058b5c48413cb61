package dev.palisade.policy.evm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.policy.Fields;
import dev.palisade.policy.InvalidPolicyException;
import dev.palisade.policy.Rule;
import dev.palisade.policy.RuleOutcome;
import dev.palisade.policy.RuleType;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code evm_approvals}: {@code {value_above, approvals, approval_lifetime}}: a transaction moving more
 * than {@code value_above} wei needs {@code approvals} (default 2) other identities' approvals; the
 * identical transaction (same key, same signing hash) retried after approval is signed once.
 */
public final class EvmApprovals implements RuleType {
  private static final int MAX_APPROVALS = 16;
  private static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);

  @Override
  public String name() {
    return "evm_approvals";
  }

  @Override
  public List<Rule> parse(JsonNode section, String path) {
    Fields.onlyKnown(section, path, Set.of("value_above", "approvals", "approval_lifetime"));
    BigInteger threshold = Amounts.required(section, "value_above", path, true);
    long count = Fields.unsigned(section, "approvals", path).orElse(2L);
    if (count < 1 || count > MAX_APPROVALS) {
      throw new InvalidPolicyException(path + ".approvals", path + ".approvals must be between 1 and " + MAX_APPROVALS);
    }
    Duration lifetime = Fields.duration(section, "approval_lifetime", path).orElse(DEFAULT_LIFETIME);
    return List.of(EvmTransactionRules.onTransaction(tx -> tx.value().compareTo(threshold) > 0
        ? new RuleOutcome.NeedsApproval((int) count, lifetime, "transaction of " + tx.value() + " wei on chain "
            + tx.chainId() + " to " + (tx.to() == null ? "a new contract" : tx.to().toString()))
        : null));
  }
}
