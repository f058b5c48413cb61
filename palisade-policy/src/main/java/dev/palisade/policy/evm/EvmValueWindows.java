package dev.palisade.policy.evm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.policy.Fields;
import dev.palisade.policy.InvalidPolicyException;
import dev.palisade.policy.Rule;
import dev.palisade.policy.RuleOutcome;
import dev.palisade.policy.RuleType;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code evm_value_windows}: a list of {@code {max, window}}: the ether value (wei) one key's transactions
 * may move in any period of length {@code window} (a rolling window: a fixed one would let twice
 * {@code max} through across its boundary). Each spend is recorded in the shared database before the
 * signature is returned, under a per-key lock, so instances together never pass {@code max}.
 */
public final class EvmValueWindows implements RuleType {
  public static final String RULE = "evm_value_window";

  @Override
  public String name() {
    return "evm_value_windows";
  }

  @Override
  public List<Rule> parse(JsonNode section, String path) {
    if (!section.isArray()) {
      throw new InvalidPolicyException(path, path + " must be a list of {max, window}");
    }
    List<Rule> rules = new ArrayList<>();
    int index = 0;
    for (JsonNode entry : section) {
      String at = path + "[" + index++ + "]";
      Fields.onlyKnown(entry, at, Set.of("max", "window"));
      BigInteger max = Amounts.required(entry, "max", at, true);
      Duration window = Amounts.window(entry, at);
      rules.add(windowRule(RULE, "evm_value:" + window, max, window, "ether value per key",
          request -> EvmTransactionRules.transaction(request).map(tx -> tx.value()).orElse(BigInteger.ZERO)));
    }
    return rules;
  }

  /**
   * A value limit per key and rolling window: the spend to check and record, or a deny when the amount
   * alone is too much. {@code what} names the value ("ether value per key"); the window is appended.
   */
  static Rule windowRule(String rule, String counter, BigInteger max, Duration window, String what,
      java.util.function.Function<dev.palisade.policy.PolicyRequest, BigInteger> amountOf) {
    Amounts.Scaled scaled = Amounts.Scaled.of(max);
    String name = counter + ":" + scaled.suffix();
    return request -> {
      BigInteger amount = amountOf.apply(request);
      if (amount.signum() == 0) {
        return RuleOutcome.PASS;
      }
      OptionalLong units = scaled.count(amount);
      if (units.isEmpty()) {
        return new RuleOutcome.Deny(rule, "amount " + amount + " alone is above the limit of " + scaled.describe(max)
            + " " + what + " in any " + window);
      }
      return new RuleOutcome.Count(rule, request.keyId(), name, new RuleOutcome.Window.Rolling(request.time(), window),
          units.getAsLong(), scaled.max(), "at most " + scaled.describe(max) + " " + what + " in the last " + window);
    };
  }
}
