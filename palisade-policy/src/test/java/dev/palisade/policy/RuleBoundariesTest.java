package dev.palisade.policy;

import static dev.palisade.policy.Requests.NOW;
import static dev.palisade.policy.Requests.TREASURY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.store.Dialect;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Each stateless rule on both sides of its boundary, through the engine with a policy set on the operator. */
class RuleBoundariesTest {
  private static final String ADDRESS_01 = "0x01" + "00".repeat(11) + TREASURY;
  private static final String ADDRESS_02 = "0x02" + "00".repeat(11) + TREASURY;
  private static final String EXACT = "0x00" + "11".repeat(31);
  private static final String OTHER = "0x01" + "00".repeat(11) + "22".repeat(20);
  private static final String DEPOSITS = "rules: {deposit: {withdrawal_credentials: ['0x" + TREASURY + "', '" + EXACT
      + "'], min_amount_gwei: 1000000000, max_amount_gwei: 32000000000}}";
  private static final String REGISTRATIONS = "rules: {validator_registration: {fee_recipients: ['0x" + TREASURY
      + "'], gas_limit: {min: 30000000, max: 36000000}}}";

  private PolicyEngine engine;
  private PolicyStore store;

  @BeforeEach
  void openEngine() {
    var dataSource = TestDatabases.sqlite();
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    store = PolicyStore.open(dataSource, Dialect.SQLITE, RuleRegistry.builtIn());
    engine = new PolicyEngine(store, new CounterStore(dataSource, clock), new ApprovalStore(dataSource, clock, entry -> {}));
  }

  static Stream<Arguments> boundaries() {
    long gwei32 = 32_000_000_000L;
    return Stream.of(
        Arguments.of(DEPOSITS, Requests.deposit(ADDRESS_01, gwei32), "allow"),
        Arguments.of(DEPOSITS, Requests.deposit(ADDRESS_02, gwei32), "allow"),
        Arguments.of(DEPOSITS, Requests.deposit(EXACT, gwei32), "allow"),
        Arguments.of(DEPOSITS, Requests.deposit(OTHER, gwei32), "deposit_withdrawal_credentials"),
        // the address with the 0x00 (BLS) prefix is not an execution address credential
        Arguments.of(DEPOSITS, Requests.deposit("0x00" + "00".repeat(11) + TREASURY, gwei32), "deposit_withdrawal_credentials"),
        Arguments.of(DEPOSITS, Requests.deposit(ADDRESS_01, gwei32 + 1), "deposit_amount"),
        Arguments.of(DEPOSITS, Requests.deposit(ADDRESS_01, 1_000_000_000L), "allow"),
        Arguments.of(DEPOSITS, Requests.deposit(ADDRESS_01, 999_999_999L), "deposit_amount"),
        Arguments.of(DEPOSITS, Requests.deposit(ADDRESS_01, -1L), "deposit_amount"), // 2^64-1 unsigned
        Arguments.of(REGISTRATIONS, Requests.registration("0x" + TREASURY.toUpperCase(), 30_000_000), "allow"),
        Arguments.of(REGISTRATIONS, Requests.registration("0x" + "22".repeat(20), 30_000_000), "registration_fee_recipient"),
        Arguments.of(REGISTRATIONS, Requests.registration("0x" + TREASURY, 29_999_999), "registration_gas_limit"),
        Arguments.of(REGISTRATIONS, Requests.registration("0x" + TREASURY, 36_000_000), "allow"),
        Arguments.of(REGISTRATIONS, Requests.registration("0x" + TREASURY, 36_000_001), "registration_gas_limit"),
        Arguments.of("rules: {voluntary_exit: {action: deny}}", Requests.exit(5), "exit_denied"),
        Arguments.of("rules: {voluntary_exit: {action: allow}}", Requests.exit(5), "allow"),
        Arguments.of("rules: {voluntary_exit: {not_before_epoch: 300000}}", Requests.exit(299_999), "exit_not_before_epoch"),
        Arguments.of("rules: {voluntary_exit: {not_before_epoch: 300000}}", Requests.exit(300_000), "allow"),
        Arguments.of("rules: {voluntary_exit: {action: approval, approvals: 2}}", Requests.exit(5), "approval_required"),
        Arguments.of("rules: {approvals: [{type: DEPOSIT, approvals: 2}]}", Requests.deposit(ADDRESS_01, gwei32), "approval_required"),
        Arguments.of("rules: {approvals: [{type: DEPOSIT, approvals: 2}]}", Requests.exit(5), "allow"),
        // rules for one type never touch another
        Arguments.of("rules: {voluntary_exit: {action: deny}}", Requests.randao(5), "allow"),
        Arguments.of(DEPOSITS, Requests.randao(5), "allow"),
        Arguments.of("rules: {time_lock: {not_before: '2026-12-04T12:00:00.001Z'}}", Requests.randao(5), "time_lock"),
        Arguments.of("rules: {time_lock: {not_before: '2026-12-04T12:00:00Z'}}", Requests.randao(5), "allow"),
        Arguments.of("rules: {source_cidrs: ['10.0.0.0/29']}", Requests.randao(5), "allow"), // 10.0.0.5
        Arguments.of("rules: {source_cidrs: ['10.0.0.6/31']}", Requests.randao(5), "source_cidr"),
        Arguments.of("{\"rules\": {\"source_cidrs\": [\"10.0.0.5\"]}}", Requests.randao(5), "allow")); // JSON too
  }

  @ParameterizedTest(name = "[{index}] {2}")
  @MethodSource("boundaries")
  void decides(String policy, String body, String expected) {
    store.set(PolicyTarget.of("operator", "default"), policy, "test");
    Decision decision = engine.dryRun(Requests.of(body));
    assertEquals(expected, decision instanceof Decision.Allow ? "allow" : decision.rule(), decision.toString());
    assertEquals(1, decision.version());
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = '|', value = {
      "rules: {deposit: {withdrawal_credentials: ['0x1234']}}|rules.deposit.withdrawal_credentials",
      "rules: {deposit: {min_amount_gwei: 5, max_amount_gwei: 4}}|rules.deposit.min_amount_gwei",
      "rules: {deposit: {max_amount: 4}}|rules.deposit.max_amount",
      "rules: {depositt: {}}|rules.depositt",
      "rules: {voluntary_exit: {action: maybe}}|rules.voluntary_exit.action",
      "rules: {voluntary_exit: {action: approval, approvals: 0}}|rules.voluntary_exit.approvals",
      "rules: {voluntary_exit: {approvals: 2}}|rules.voluntary_exit.approvals",
      "rules: {rate_limits: [{type: RANDAO_REVEAL, max: 1}]}|rules.rate_limits[0]",
      "rules: {rate_limits: [{type: DEPOSIT, max: 1, per: epoch}]}|rules.rate_limits[0].per",
      "rules: {rate_limits: [{type: NOPE, max: 1, per: epoch}]}|rules.rate_limits[0].type",
      "rules: {validator_registration: {gas_limit: {min: -1}}}|rules.validator_registration.gas_limit.min",
      "rules: {time_lock: {not_before: tomorrow}}|rules.time_lock.not_before",
      "rules: {source_cidrs: ['10.0.0.0/33']}|rules.source_cidrs",
      "rulez: {}|policy.rulez",
      "rules: {approvals: [{type: DEPOSITS}]}|rules.approvals[0].type",
      "rules: {rate_limits: [{type: DEPOSIT, max: 1, window: P32D}]}|rules.rate_limits[0].window",
      // a repeated section must not silently replace the first (the parser's error names no field)
      "rules: {time_lock: {not_before: '2999-01-01T00:00:00Z'}, time_lock: {not_before: '2020-01-01T00:00:00Z'}}|"})
  void refusesABadDocumentNamingTheField(String policy, String field) {
    InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
        () -> store.set(PolicyTarget.of("operator", "default"), policy, "test"));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(store.history(PolicyTarget.of("operator", "default")).isEmpty(), "nothing stored");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource({"operator,default", "key," + Requests.PUBKEY, "identity,validator"})
  void aPolicyOnAnyOfTheThreeTargetsApplies(String scope, String id) {
    store.set(PolicyTarget.of(scope, id), "rules: {voluntary_exit: {action: deny}}", "test");
    assertInstanceOf(Decision.Deny.class, engine.dryRun(Requests.of(Requests.exit(5))));
    store.set(PolicyTarget.of(scope, id), "", "test"); // an empty document removes it
    assertInstanceOf(Decision.Allow.class, engine.dryRun(Requests.of(Requests.exit(5))));
  }
}
