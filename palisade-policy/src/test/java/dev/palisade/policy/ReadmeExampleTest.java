package dev.palisade.policy;

import static dev.palisade.policy.Requests.TREASURY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.palisade.store.Dialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The staking operator's policy published in the README does what the README says. */
class ReadmeExampleTest {
  static String stakingPolicy() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("# staking-ops.yaml");
    return readme.substring(start, readme.indexOf("```", start));
  }

  @Test
  void treasuryOnlyDepositsTwoPersonExitsOneRandaoPerEpoch() throws Exception {
    var dataSource = TestDatabases.sqlite();
    Clock clock = Clock.fixed(Requests.NOW, ZoneOffset.UTC);
    PolicyStore store = PolicyStore.open(dataSource, Dialect.SQLITE, RuleRegistry.builtIn());
    PolicyEngine engine = new PolicyEngine(store, new CounterStore(dataSource, clock), new ApprovalStore(dataSource, clock, e -> {}));
    store.set(PolicyTarget.of("operator", "default"), stakingPolicy(), "readme");

    Decision elsewhere = engine.evaluate(Requests.of(Requests.deposit("0x01" + "00".repeat(11) + "22".repeat(20), 32_000_000_000L)));
    assertEquals("deposit_withdrawal_credentials", elsewhere.rule());
    assertInstanceOf(Decision.Allow.class, engine.evaluate(Requests.of(Requests.deposit("0x01" + "00".repeat(11) + TREASURY, 32_000_000_000L))));
    assertEquals("registration_fee_recipient", engine.evaluate(Requests.of(Requests.registration("0x" + "22".repeat(20), 30_000_000))).rule());
    assertEquals(2, assertInstanceOf(Decision.NeedsApproval.class, engine.evaluate(Requests.of(Requests.exit(5)))).required());
    assertInstanceOf(Decision.Allow.class, engine.evaluate(Requests.of(Requests.randao(7))));
    assertEquals("rate_limit", engine.evaluate(Requests.of(Requests.randao(7))).rule(), "one RANDAO_REVEAL per epoch");
  }

  static String section(String marker) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf(marker);
    return readme.substring(start, readme.indexOf("```", start));
  }

  @Test
  void theTreasuryWalletDecidesAsTheReadmeSays() throws Exception {
    var dataSource = TestDatabases.sqlite();
    Clock clock = Clock.fixed(Requests.NOW, ZoneOffset.UTC);
    PolicyStore store = PolicyStore.open(dataSource, Dialect.SQLITE, RuleRegistry.builtIn());
    PolicyEngine engine = new PolicyEngine(store, new CounterStore(dataSource, clock), new ApprovalStore(dataSource, clock, e -> {}));
    store.set(PolicyTarget.of("key", EvmRequests.ACCOUNT.toString()), section("# treasury.yaml"), "readme");
    String exchange = "0x28C6c06298d514Db089934071355E5743bf21d60";
    String usdc = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
    String permit2 = "0x000000000022D473030F116dDEE9F6B43aC78BA3";
    java.util.function.Function<String, String> toExchange = wei -> decide(engine, EvmRequests.transaction(
        EvmRequests.tx(wei).put("to", exchange)));
    assertEquals("allow", toExchange.apply("10000000000000000000"));
    assertEquals("approval_required", toExchange.apply("10000000000000000001"));
    assertEquals("evm_value", toExchange.apply("50000000000000000001"));
    assertEquals("evm_receiver", decide(engine, EvmRequests.transaction(EvmRequests.tx("1"))));
    assertEquals("evm_chain_id", decide(engine, EvmRequests.transaction(EvmRequests.tx("1").put("to", exchange).put("chainId", "10"))));
    java.util.function.BiFunction<String, java.math.BigInteger, com.fasterxml.jackson.databind.node.ObjectNode> usdcCall =
        (selector, amount) -> EvmRequests.erc20(selector, selector.equals("095ea7b3") ? permit2 : exchange, null, amount).put("to", usdc);
    assertEquals("allow", decide(engine, EvmRequests.transaction(usdcCall.apply("a9059cbb", new java.math.BigInteger("50000000000")))));
    assertEquals("erc20_amount", decide(engine, EvmRequests.transaction(usdcCall.apply("a9059cbb", new java.math.BigInteger("50000000001")))));
    assertEquals("allow", decide(engine, EvmRequests.transaction(usdcCall.apply("095ea7b3", java.math.BigInteger.TEN))));
    assertEquals("erc20_amount", decide(engine, EvmRequests.transaction(usdcCall.apply("095ea7b3",
        java.math.BigInteger.ONE.shiftLeft(256).subtract(java.math.BigInteger.ONE)))), "never unlimited");
    assertEquals("evm_eip191_disabled", decide(engine, EvmRequests.personal("gm")));
    assertEquals("allow", decide(engine, EvmRequests.typed(1, permit2)));
    assertEquals("evm_eip712_domain", decide(engine, EvmRequests.typed(1, usdc)));
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("```yaml", readme.indexOf("A dapp login key")) + "```yaml".length();
    for (String document : readme.substring(start, readme.indexOf("```", start)).split("---")) {
      store.set(PolicyTarget.of("operator", "default"), document, "readme"); // valid as published
    }
  }

  private static String decide(PolicyEngine engine, dev.palisade.evm.EvmSigningRequest request) {
    Decision decision = engine.dryRun(EvmRequests.of(request));
    return decision instanceof Decision.Allow ? "allow" : decision.rule();
  }
}
