package dev.palisade.policy.evm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.evm.Address;
import dev.palisade.evm.Authorization;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.evm.EvmTransaction;
import dev.palisade.policy.Fields;
import dev.palisade.policy.InvalidPolicyException;
import dev.palisade.policy.PolicyRequest;
import dev.palisade.policy.Rule;
import dev.palisade.policy.RuleOutcome;
import dev.palisade.policy.RuleType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code evm_transaction}: what an EVM transaction may be. {@code chain_ids} (allowlist), {@code
 * receivers} (allowlist of {@code to}; a contract creation has no receiver and is refused by it),
 * {@code contract_creation: allow | deny}, {@code max_value} (wei per transaction), {@code max_gas_cost}
 * (wei: gas limit × max fee per gas, or gas price, plus blob gas × max fee per blob gas), {@code
 * delegates} (EIP-7702 delegate addresses this policy enables; an authorization to any other is refused).
 */
public final class EvmTransactionRules implements RuleType {
  public static final String CHAIN_ID = "evm_chain_id";
  public static final String RECEIVER = "evm_receiver";
  public static final String CONTRACT_CREATION = "evm_contract_creation";
  public static final String VALUE = "evm_value";
  public static final String GAS_COST = "evm_gas_cost";

  @Override
  public String name() {
    return "evm_transaction";
  }

  @Override
  public List<Rule> parse(JsonNode section, String path) {
    Fields.onlyKnown(section, path, Set.of("chain_ids", "receivers", "contract_creation", "max_value", "max_gas_cost",
        "delegates"));
    List<Rule> rules = new ArrayList<>();
    if (section.has("chain_ids")) {
      Set<BigInteger> chains = chainIds(section, path);
      rules.add(onTransaction(tx -> chains.contains(tx.chainId()) ? null
          : new RuleOutcome.Deny(CHAIN_ID, "chain id " + tx.chainId() + " is not on the policy's allowlist " + chains)));
    }
    if (section.has("receivers")) {
      Set<Address> receivers = Set.copyOf(Amounts.addresses(section, "receivers", path));
      rules.add(onTransaction(tx -> tx.to() != null && receivers.contains(tx.to()) ? null
          : new RuleOutcome.Deny(RECEIVER, tx.to() == null ? "a contract creation has no receiver on the policy's allowlist"
              : "receiver " + tx.to() + " is not on the policy's allowlist")));
    }
    String creation = Fields.text(section, "contract_creation", path).orElse("allow");
    if (!creation.equals("allow") && !creation.equals("deny")) {
      throw new InvalidPolicyException(path + ".contract_creation", path + ".contract_creation must be allow or deny");
    }
    if (creation.equals("deny")) {
      rules.add(onTransaction(tx -> tx.isContractCreation()
          ? new RuleOutcome.Deny(CONTRACT_CREATION, "the policy denies contract creation") : null));
    }
    Amounts.parse(section, "max_value", path, true).ifPresent(max -> rules.add(onTransaction(tx ->
        tx.value().compareTo(max) <= 0 ? null
            : new RuleOutcome.Deny(VALUE, "value " + tx.value() + " wei is above the policy's max_value " + max + " wei"))));
    Amounts.parse(section, "max_gas_cost", path, true).ifPresent(max -> rules.add(onTransaction(tx ->
        tx.maxGasCost().compareTo(max) <= 0 ? null
            : new RuleOutcome.Deny(GAS_COST, "maximum gas cost " + tx.maxGasCost() + " wei is above the policy's max_gas_cost "
                + max + " wei"))));
    if (section.has("delegates")) {
      Set<String> enabled = new LinkedHashSet<>();
      Amounts.addresses(section, "delegates", path).forEach(a -> enabled.add(EvmSigningRules.delegateFeature(a)));
      rules.add(onTransaction(tx -> tx.authorizationList().isEmpty() ? null : new RuleOutcome.Enable(enabled)));
    }
    return rules;
  }

  private static Set<BigInteger> chainIds(JsonNode section, String path) {
    String at = path + ".chain_ids";
    JsonNode list = section.get("chain_ids");
    if (!list.isArray() || list.isEmpty()) {
      throw new InvalidPolicyException(at, at + " must be a non-empty list of chain ids");
    }
    Set<BigInteger> chains = new LinkedHashSet<>();
    for (JsonNode entry : list) {
      BigInteger id = entry.isIntegralNumber() ? entry.bigIntegerValue()
          : entry.isTextual() && entry.asText().matches("[0-9]{1,20}") ? new BigInteger(entry.asText()) : null;
      if (id == null || id.signum() <= 0 || id.bitLength() > 64) {
        throw new InvalidPolicyException(at, at + " must list chain ids as positive whole numbers (1, \"11155111\")");
      }
      chains.add(id);
    }
    return Set.copyOf(chains);
  }

  /** A rule on transactions only; {@code check} answers null to pass. */
  static Rule onTransaction(Function<EvmTransaction, RuleOutcome> check) {
    return request -> transaction(request).map(check).orElse(RuleOutcome.PASS);
  }

  static Optional<EvmTransaction> transaction(PolicyRequest request) {
    return request.evm() instanceof EvmSigningRequest.Transaction t ? Optional.of(t.transaction()) : Optional.empty();
  }

  static List<Address> delegates(EvmTransaction tx) {
    return tx.authorizationList().stream().map(Authorization::address).toList();
  }
}
