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
}
