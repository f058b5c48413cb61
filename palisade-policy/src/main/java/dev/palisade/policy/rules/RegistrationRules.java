package dev.palisade.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.signing.ValidatorRegistrationRequest;
import dev.palisade.policy.Fields;
import dev.palisade.policy.InvalidPolicyException;
import dev.palisade.policy.Rule;
import dev.palisade.policy.RuleOutcome;
import dev.palisade.policy.RuleType;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code validator_registration}: which {@code fee_recipients} a builder registration may name, and
 * the {@code gas_limit} range ({@code min}, {@code max}, inclusive).
 */
public final class RegistrationRules implements RuleType {
  public static final String FEE_RECIPIENT = "registration_fee_recipient";
  public static final String GAS_LIMIT = "registration_gas_limit";

  @Override
  public String name() {
    return "validator_registration";
  }

  @Override
  public List<Rule> parse(JsonNode section, String path) {
    Fields.onlyKnown(section, path, Set.of("fee_recipients", "gas_limit"));
    List<Rule> rules = new ArrayList<>();
    if (section.has("fee_recipients")) {
      Set<String> allowed = new java.util.HashSet<>();
      for (String entry : Fields.strings(section, "fee_recipients", path)) {
        byte[] address = Fields.hex(entry, path + ".fee_recipients");
        if (address.length != 20) {
          throw new InvalidPolicyException(path + ".fee_recipients", path + ".fee_recipients: each entry is a 20-byte address");
        }
        allowed.add(HexFormat.of().formatHex(address));
      }
      rules.add(request -> {
        if (!(request.message() instanceof ValidatorRegistrationRequest registration)) {
          return RuleOutcome.PASS;
        }
        String recipient = HexFormat.of().formatHex(registration.registration().feeRecipient().toArray());
        return allowed.contains(recipient)
            ? RuleOutcome.PASS
            : new RuleOutcome.Deny(FEE_RECIPIENT, "fee recipient 0x" + recipient + " is not on the policy's allowlist");
      });
    }
    JsonNode gas = section.get("gas_limit");
    if (gas != null && !gas.isNull()) {
      String gasPath = path + ".gas_limit";
      Fields.onlyKnown(gas, gasPath, Set.of("min", "max"));
      Optional<Long> min = Fields.unsigned(gas, "min", gasPath);
      Optional<Long> max = Fields.unsigned(gas, "max", gasPath);
      if (min.isPresent() && max.isPresent() && Long.compareUnsigned(min.get(), max.get()) > 0) {
        throw new InvalidPolicyException(gasPath + ".min", gasPath + ".min is above max");
      }
      rules.add(request -> {
        if (!(request.message() instanceof ValidatorRegistrationRequest registration)) {
          return RuleOutcome.PASS;
        }
        long limit = registration.registration().gasLimit();
        boolean outside = min.isPresent() && Long.compareUnsigned(limit, min.get()) < 0
            || max.isPresent() && Long.compareUnsigned(limit, max.get()) > 0;
        return outside
            ? new RuleOutcome.Deny(GAS_LIMIT, "gas limit " + Long.toUnsignedString(limit) + " is outside ["
                + min.map(Long::toUnsignedString).orElse("0") + ", " + max.map(Long::toUnsignedString).orElse("∞") + "]")
            : RuleOutcome.PASS;
      });
    }
    return rules;
  }
}
