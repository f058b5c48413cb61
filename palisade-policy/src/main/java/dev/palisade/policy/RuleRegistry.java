package dev.palisade.policy;

import dev.palisade.policy.evm.Erc20Rules;
import dev.palisade.policy.evm.EvmApprovals;
import dev.palisade.policy.evm.EvmSigningRules;
import dev.palisade.policy.evm.EvmTransactionRules;
import dev.palisade.policy.evm.EvmValueWindows;
import dev.palisade.policy.rules.Approvals;
import dev.palisade.policy.rules.DepositRules;
import dev.palisade.policy.rules.ExitRules;
import dev.palisade.policy.rules.RateLimits;
import dev.palisade.policy.rules.RegistrationRules;
import dev.palisade.policy.rules.SourceCidrs;
import dev.palisade.policy.rules.TimeLock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The rule types a policy document may use, by section name. */
public final class RuleRegistry {
  private final Map<String, RuleType> types;

  private RuleRegistry(Map<String, RuleType> types) {
    this.types = Map.copyOf(types);
  }

  /** The validator rules and the EVM rules. */
  public static RuleRegistry builtIn() {
    return of(List.of(new DepositRules(), new RegistrationRules(), new ExitRules(), new RateLimits(),
        new SourceCidrs(), new TimeLock(), new Approvals(),
        new EvmTransactionRules(), new EvmValueWindows(), new Erc20Rules(), new EvmSigningRules(), new EvmApprovals()));
  }

  public static RuleRegistry of(List<RuleType> types) {
    Map<String, RuleType> byName = new LinkedHashMap<>();
    for (RuleType type : types) {
      if (byName.putIfAbsent(type.name(), type) != null) {
        throw new IllegalArgumentException("two rule types named " + type.name());
      }
    }
    return new RuleRegistry(byName);
  }

  /** This registry plus {@code more} (how another module adds its rule types). */
  public RuleRegistry with(RuleType... more) {
    List<RuleType> all = new java.util.ArrayList<>(types.values());
    all.addAll(List.of(more));
    return of(all);
  }

  public Optional<RuleType> find(String name) {
    return Optional.ofNullable(types.get(name));
  }

  public Set<String> names() {
    return new java.util.TreeSet<>(types.keySet());
  }
}
