package dev.palisade.policy.evm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.evm.Address;
import dev.palisade.evm.Erc20Call;
import dev.palisade.evm.EvmTransaction;
import dev.palisade.policy.Fields;
import dev.palisade.policy.InvalidPolicyException;
import dev.palisade.policy.Rule;
import dev.palisade.policy.RuleOutcome;
import dev.palisade.policy.RuleType;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code evm_erc20}: a list of per-token rules for transactions to {@code token}: {@code max_amount}
 * (base units per call), {@code window_max} + {@code window} (base units per key in any period of that
 * length: a rolling window, recorded in the shared database), {@code spenders} (allowlist for
 * {@code approve}), {@code receivers} (allowlist for {@code transfer}/{@code transferFrom} recipients),
 * {@code allow_unlimited_approval} (default false).
 * All three calls count as moved amounts: an approval hands that much to the spender. Any other call
 * to a listed token is refused ({@code increaseAllowance} and friends would go around the limits).
 */
public final class Erc20Rules implements RuleType {
  public static final String AMOUNT = "erc20_amount";
  public static final String WINDOW = "erc20_window";
  public static final String SPENDER = "erc20_spender";
  public static final String RECEIVER = "erc20_receiver";
  public static final String UNLIMITED = "erc20_unlimited_approval";
  public static final String UNKNOWN_CALL = "erc20_unknown_call";
  /** What wallets send as "unlimited": uint256 max (some use 2^255 and above, so half the range counts too). */
  static final BigInteger UNLIMITED_FROM = BigInteger.ONE.shiftLeft(255);

  @Override
  public String name() {
    return "evm_erc20";
  }

  @Override
  public List<Rule> parse(JsonNode section, String path) {
    if (!section.isArray()) {
      throw new InvalidPolicyException(path, path + " must be a list of per-token rules");
    }
    List<Rule> rules = new ArrayList<>();
    int index = 0;
    for (JsonNode entry : section) {
      String at = path + "[" + index++ + "]";
      Fields.onlyKnown(entry, at, Set.of("token", "max_amount", "window_max", "window", "spenders", "receivers",
          "allow_unlimited_approval"));
      Address token = Amounts.address(Fields.text(entry, "token", at).orElseThrow(() ->
          new InvalidPolicyException(at + ".token", at + ".token is required")), at + ".token");
      rules.add(EvmTransactionRules.onTransaction(tx -> token.equals(tx.to()) && tx.data().length > 0
          && tx.erc20Call().isEmpty()
          ? new RuleOutcome.Deny(UNKNOWN_CALL, "only transfer, approve and transferFrom may be called on token " + token)
          : null));
      Optional<BigInteger> max = Amounts.parse(entry, "max_amount", at, false);
      max.ifPresent(limit -> rules.add(onToken(token, call -> call.amount().compareTo(limit) <= 0 ? null
          : new RuleOutcome.Deny(AMOUNT, kind(call) + " of " + call.amount() + " is above max_amount " + limit
              + " of token " + token))));
      Optional<BigInteger> windowMax = Amounts.parse(entry, "window_max", at, false);
      if (windowMax.isPresent() != entry.has("window")) {
        throw new InvalidPolicyException(at + ".window", at + ": window_max and window go together");
      }
      if (windowMax.isPresent()) {
        Duration window = Amounts.window(entry, at);
        Rule counted = EvmValueWindows.windowRule(WINDOW, "erc20:" + token.lowerHex() + ":" + window, windowMax.get(),
            window, "of token " + token + " per key",
            request -> EvmTransactionRules.transaction(request).flatMap(tx -> call(tx, token)).map(Erc20Call::amount)
                .orElse(BigInteger.ZERO));
        rules.add(counted);
      }
      if (entry.has("spenders")) {
        Set<Address> spenders = Set.copyOf(Amounts.addresses(entry, "spenders", at));
        rules.add(onToken(token, call -> !(call instanceof Erc20Call.Approve approve) || spenders.contains(approve.spender())
            ? null : new RuleOutcome.Deny(SPENDER, "spender " + approve.spender() + " is not on the allowlist of token " + token)));
      }
      if (entry.has("receivers")) {
        Set<Address> receivers = Set.copyOf(Amounts.addresses(entry, "receivers", at));
        rules.add(onToken(token, call -> recipient(call).filter(r -> !receivers.contains(r))
            .map(r -> (RuleOutcome) new RuleOutcome.Deny(RECEIVER, "recipient " + r + " is not on the allowlist of token " + token))
            .orElse(null)));
      }
      JsonNode unlimited = entry.get("allow_unlimited_approval");
      if (unlimited != null && !unlimited.isBoolean()) {
        throw new InvalidPolicyException(at + ".allow_unlimited_approval", at + ".allow_unlimited_approval must be true or false");
      }
      if (unlimited == null || !unlimited.booleanValue()) {
        rules.add(onToken(token, call -> call instanceof Erc20Call.Approve approve
            && approve.amount().compareTo(UNLIMITED_FROM) >= 0
            ? new RuleOutcome.Deny(UNLIMITED, "an unlimited approval of token " + token + " is refused"
                + " (allow_unlimited_approval: true allows it where no amount limit applies)") : null));
      }
    }
    return rules;
  }

  private static String kind(Erc20Call call) {
    return call instanceof Erc20Call.Approve ? "approve" : call instanceof Erc20Call.Transfer ? "transfer" : "transferFrom";
  }

  private static Optional<Address> recipient(Erc20Call call) {
    return call instanceof Erc20Call.Transfer t ? Optional.of(t.recipient())
        : call instanceof Erc20Call.TransferFrom f ? Optional.of(f.recipient()) : Optional.empty();
  }

  private static Optional<Erc20Call> call(EvmTransaction tx, Address token) {
    return token.equals(tx.to()) ? tx.erc20Call() : Optional.empty();
  }

  /** A rule on ERC-20 calls to {@code token}; {@code check} answers null to pass. */
  private static Rule onToken(Address token, java.util.function.Function<Erc20Call, RuleOutcome> check) {
    return EvmTransactionRules.onTransaction(tx -> call(tx, token).map(check).orElse(null));
  }
}
