package dev.palisade.policy.evm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.evm.Address;
import dev.palisade.evm.Eip712Domain;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.policy.Fields;
import dev.palisade.policy.InvalidPolicyException;
import dev.palisade.policy.OptIn;
import dev.palisade.policy.Rule;
import dev.palisade.policy.RuleOutcome;
import dev.palisade.policy.RuleType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code evm_signing}: the kinds of EVM signature that are off unless a policy enables them, because a
 * signer cannot tell what they authorise: {@code eip191: true}, {@code eip712: true} or {@code eip712:
 * {domains: [{chain_id, verifying_contract}]}} (only those domains), {@code raw: true} (Web3Signer eth1
 * sign: keccak256 of any bytes — including a transaction's encoding, so it bypasses every spending rule;
 * hence a policy must enable it besides the {@code sign:evm:raw} scope). EIP-7702 delegates are enabled
 * in {@code evm_transaction.delegates}. This class is also the one place that says which request needs which.
 */
public final class EvmSigningRules implements RuleType {
  public static final String EIP191_DISABLED = "evm_eip191_disabled";
  public static final String EIP712_DISABLED = "evm_eip712_disabled";
  public static final String EIP712_DOMAIN = "evm_eip712_domain";
  public static final String RAW_DISABLED = "evm_raw_disabled";
  public static final String AUTHORIZATION = "evm_authorization";

  /** The features an EVM request needs a policy to enable. */
  public static List<OptIn> optIns(EvmSigningRequest request) {
    if (request instanceof EvmSigningRequest.PersonalSign) {
      return List.of(new OptIn("eip191", EIP191_DISABLED,
          "EIP-191 message signing is off unless a policy enables it (evm_signing.eip191: true)"));
    } else if (request instanceof EvmSigningRequest.TypedDataSign) {
      return List.of(new OptIn("eip712", EIP712_DISABLED,
          "EIP-712 typed data signing is off unless a policy enables it (evm_signing.eip712)"));
    } else if (request instanceof EvmSigningRequest.RawData) {
      return List.of(new OptIn("raw", RAW_DISABLED,
          "raw data signing is off unless a policy enables it (evm_signing.raw: true)"));
    } else if (request instanceof EvmSigningRequest.Transaction t) {
      return EvmTransactionRules.delegates(t.transaction()).stream().distinct()
          .map(d -> new OptIn(delegateFeature(d), AUTHORIZATION, "EIP-7702 delegation to " + d
              + " is refused unless a policy lists it in evm_transaction.delegates"))
          .toList();
    }
    return List.of();
  }

  static String delegateFeature(Address delegate) {
    return "eip7702:" + delegate.lowerHex();
  }

  private record Domain(BigInteger chainId, Address verifyingContract) {}

  @Override
  public String name() {
    return "evm_signing";
  }

  @Override
  public List<Rule> parse(JsonNode section, String path) {
    Fields.onlyKnown(section, path, Set.of("eip191", "eip712", "raw"));
    Set<String> features = new HashSet<>();
    if (flag(section, "eip191", path)) {
      features.add("eip191");
    }
    if (flag(section, "raw", path)) {
      features.add("raw");
    }
    List<Rule> rules = new ArrayList<>();
    JsonNode eip712 = section.get("eip712");
    if (eip712 != null && eip712.isObject()) {
      String at = path + ".eip712";
      Fields.onlyKnown(eip712, at, Set.of("domains"));
      Set<Domain> domains = domains(eip712, at);
      features.add("eip712");
      rules.add(request -> request.evm() instanceof EvmSigningRequest.TypedDataSign typed
          && !domains.contains(domainOf(typed.typedData().eip712Domain()))
          ? new RuleOutcome.Deny(EIP712_DOMAIN, "EIP-712 domain (chain id " + typed.typedData().eip712Domain().chainId()
              + ", verifying contract " + typed.typedData().eip712Domain().verifyingContract()
              + ") is not on the policy's allowlist")
          : RuleOutcome.PASS);
    } else if (flag(section, "eip712", path)) {
      features.add("eip712");
    }
    if (!features.isEmpty()) {
      RuleOutcome enable = new RuleOutcome.Enable(features);
      rules.add(0, request -> request.evm() != null ? enable : RuleOutcome.PASS);
    }
    return rules;
  }

  private static Domain domainOf(Eip712Domain domain) {
    return new Domain(domain.chainId(), domain.verifyingContract());
  }

  private static Set<Domain> domains(JsonNode eip712, String at) {
    JsonNode list = eip712.get("domains");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new InvalidPolicyException(at + ".domains", at + ".domains must be a non-empty list of"
          + " {chain_id, verifying_contract} (or write eip712: true for any domain)");
    }
    Set<Domain> domains = new HashSet<>();
    int index = 0;
    for (JsonNode entry : list) {
      String entryPath = at + ".domains[" + index++ + "]";
      Fields.onlyKnown(entry, entryPath, Set.of("chain_id", "verifying_contract"));
      long chain = Fields.unsigned(entry, "chain_id", entryPath).orElseThrow(() ->
          new InvalidPolicyException(entryPath + ".chain_id", entryPath + ".chain_id is required"));
      String contract = Fields.text(entry, "verifying_contract", entryPath).orElseThrow(() ->
          new InvalidPolicyException(entryPath + ".verifying_contract", entryPath + ".verifying_contract is required"));
      domains.add(new Domain(new BigInteger(Long.toUnsignedString(chain)),
          Amounts.address(contract, entryPath + ".verifying_contract")));
    }
    return Set.copyOf(domains);
  }

  private static boolean flag(JsonNode section, String field, String path) {
    JsonNode value = section.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new InvalidPolicyException(path + "." + field, path + "." + field + " must be true or false"
          + (field.equals("eip712") ? " or {domains: [...]}" : ""));
    }
    return Objects.equals(value.booleanValue(), true);
  }
}
