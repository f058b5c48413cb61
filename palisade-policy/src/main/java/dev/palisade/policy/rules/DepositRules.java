package dev.palisade.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.signing.DepositRequest;
import dev.palisade.policy.Fields;
import dev.palisade.policy.InvalidPolicyException;
import dev.palisade.policy.Rule;
import dev.palisade.policy.RuleOutcome;
import dev.palisade.policy.RuleType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code deposit}: where a DEPOSIT may send the stake ({@code withdrawal_credentials}: a 20-byte
 * address admits 0x01 and 0x02 credentials paying to it, a 32-byte value admits exactly itself) and
 * how much ({@code min_amount_gwei}, {@code max_amount_gwei}, inclusive).
 */
public final class DepositRules implements RuleType {
  public static final String CREDENTIALS = "deposit_withdrawal_credentials";
  public static final String AMOUNT = "deposit_amount";

  @Override
  public String name() {
    return "deposit";
  }

  @Override
  public List<Rule> parse(JsonNode section, String path) {
    Fields.onlyKnown(section, path, Set.of("withdrawal_credentials", "min_amount_gwei", "max_amount_gwei"));
    List<Rule> rules = new ArrayList<>();
    if (section.has("withdrawal_credentials")) {
      List<byte[]> allowed = new ArrayList<>();
      for (String entry : Fields.strings(section, "withdrawal_credentials", path)) {
        String field = path + ".withdrawal_credentials";
        byte[] bytes = Fields.hex(entry, field);
        if (bytes.length == 20) {
          allowed.add(withPrefix((byte) 0x01, bytes));
          allowed.add(withPrefix((byte) 0x02, bytes));
        } else if (bytes.length == 32) {
          allowed.add(bytes);
        } else {
          throw new InvalidPolicyException(field, field + ": each entry is a 20-byte execution address or"
              + " 32-byte withdrawal credentials, not " + bytes.length + " bytes");
        }
      }
      rules.add(request -> request.message() instanceof DepositRequest deposit
          && allowed.stream().noneMatch(a -> java.util.Arrays.equals(a, deposit.deposit().withdrawalCredentials().toArray()))
          ? new RuleOutcome.Deny(CREDENTIALS, "withdrawal credentials "
              + deposit.deposit().withdrawalCredentials().toHex() + " are not on the policy's allowlist")
          : RuleOutcome.PASS);
    }
    Optional<Long> min = Fields.unsigned(section, "min_amount_gwei", path);
    Optional<Long> max = Fields.unsigned(section, "max_amount_gwei", path);
    if (min.isPresent() && max.isPresent() && Long.compareUnsigned(min.get(), max.get()) > 0) {
      throw new InvalidPolicyException(path + ".min_amount_gwei", path + ".min_amount_gwei is above max_amount_gwei");
    }
    if (min.isPresent() || max.isPresent()) {
      rules.add(request -> {
        if (!(request.message() instanceof DepositRequest deposit)) {
          return RuleOutcome.PASS;
        }
        long amount = deposit.deposit().amount();
        boolean below = min.isPresent() && Long.compareUnsigned(amount, min.get()) < 0;
        boolean above = max.isPresent() && Long.compareUnsigned(amount, max.get()) > 0;
        return below || above
            ? new RuleOutcome.Deny(AMOUNT, "deposit amount " + Long.toUnsignedString(amount) + " gwei is outside ["
                + min.map(Long::toUnsignedString).orElse("0") + ", " + max.map(Long::toUnsignedString).orElse("∞") + "]")
            : RuleOutcome.PASS;
      });
    }
    return rules;
  }

  /** Execution withdrawal credentials: the prefix byte, 11 zero bytes, the 20-byte address. */
  static byte[] withPrefix(byte prefix, byte[] address) {
    byte[] credentials = new byte[32];
    credentials[0] = prefix;
    System.arraycopy(address, 0, credentials, 12, 20);
    return credentials;
  }
}
