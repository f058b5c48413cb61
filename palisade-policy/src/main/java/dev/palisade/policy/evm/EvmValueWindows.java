package dev.palisade.policy.evm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.policy.Fields;
import dev.palisade.policy.InvalidPolicyException;
import dev.palisade.policy.Rule;
import dev.palisade.policy.RuleOutcome;
import dev.palisade.policy.RuleType;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code evm_value_windows}: a list of {@code {max, window}}: the ether value (wei) one key's transactions
 * may move in each fixed window of wall-clock time (windows start at multiples of their length since
 * 1970-01-01T00:00Z, so PT24H is a UTC day). Counted in the shared database before the signature is
 * returned, in one conditional upsert, so instances together never pass {@code max}.
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
      rules.add(windowRule(RULE, "evm_value:" + window, max, window, "ether value per key per " + window,
          request -> EvmTransactionRules.transaction(request).map(tx -> tx.value()).orElse(BigInteger.ZERO)));
    }
    return rules;
  }

  /** A value limit per key and fixed window: the shared counter's count, or a deny when the amount alone is too much. */
  static Rule windowRule(String rule, String counter, BigInteger max, Duration window, String what,
      java.util.function.Function<dev.palisade.policy.PolicyRequest, BigInteger> amountOf) {
    Amounts.Scaled scaled = Amounts.Scaled.of(max);
    long windowMillis = window.toMillis();
    String name = counter + ":" + scaled.suffix();
    return request -> {
      BigInteger amount = amountOf.apply(request);
      if (amount.signum() == 0) {
        return RuleOutcome.PASS;
      }
      OptionalLong units = scaled.count(amount);
      if (units.isEmpty()) {
        return new RuleOutcome.Deny(rule, "amount " + amount + " alone is above the " + what + " limit of "
            + scaled.describe(max));
      }
      String windowId = Long.toString(Math.floorDiv(request.time().toEpochMilli(), windowMillis));
      return new RuleOutcome.Count(rule, request.keyId(), name, windowId, units.getAsLong(), scaled.max(),
          "at most " + scaled.describe(max) + " " + what + " (window from "
              + Instant.ofEpochMilli(Math.floorDiv(request.time().toEpochMilli(), windowMillis) * windowMillis) + ")");
    };
  }
}
