package dev.palisade.policy;

import static dev.palisade.policy.EvmRequests.RECEIVER;
import static dev.palisade.policy.EvmRequests.SPENDER;
import static dev.palisade.policy.EvmRequests.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.store.Dialect;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every EVM rule on both sides of its boundary, through the engine (SQLite), and strict validation. */
class EvmRulesTest {
  private static final String TRANSFER = "a9059cbb";
  private static final String APPROVE = "095ea7b3";
  private static final String TRANSFER_FROM = "23b872dd";
  private static final BigInteger MAX_UINT = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  private PolicyEngine engine;
  private PolicyStore store;

  @BeforeEach
  void openEngine() {
    var dataSource = TestDatabases.sqlite();
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    store = PolicyStore.open(dataSource, Dialect.SQLITE, RuleRegistry.builtIn());
    engine = new PolicyEngine(store, new CounterStore(dataSource, clock), new ApprovalStore(dataSource, clock, e -> {}));
  }

  private static ObjectNode with(ObjectNode tx, String field, String value) {
    tx.put(field, value);
    return tx;
  }

  static Stream<Arguments> boundaries() {
    String tx = "rules: {evm_transaction: {chain_ids: [1, '10'], receivers: ['" + RECEIVER + "'],"
        + " max_value: '1 ether', max_gas_cost: '21000 gwei'}}";
    String creation = "rules: {evm_transaction: {contract_creation: deny}}";
    String erc20 = "rules: {evm_erc20: [{token: '" + TOKEN + "', max_amount: 1000, spenders: ['" + SPENDER + "'],"
        + " receivers: ['" + RECEIVER + "']}]}";
    String unlimited = "rules: {evm_erc20: [{token: '" + TOKEN + "', allow_unlimited_approval: true}]}";
    String legacy = "rules: {evm_transaction: {max_gas_cost: '21000'}}";
    ObjectNode legacyTx = EvmRequests.tx("0");
    legacyTx.remove("maxFeePerGas");
    legacyTx.remove("maxPriorityFeePerGas");
    legacyTx.put("gasPrice", "1");
    ObjectNode creationTx = EvmRequests.tx("0");
    creationTx.remove("to");
    creationTx.put("input", "0x6000");
    String oneEther = "1000000000000000000";
    return Stream.of(
        Arguments.of(tx, EvmRequests.transaction(EvmRequests.tx(oneEther)), "allow"),
        Arguments.of(tx, EvmRequests.transaction(EvmRequests.tx("1000000000000000001")), "evm_value"),
        Arguments.of(tx, EvmRequests.transaction(with(EvmRequests.tx("0"), "chainId", "10")), "allow"),
        Arguments.of(tx, EvmRequests.transaction(with(EvmRequests.tx("0"), "chainId", "5")), "evm_chain_id"),
        Arguments.of(tx, EvmRequests.transaction(with(EvmRequests.tx("0"), "to", "0x" + "45".repeat(20))), "evm_receiver"),
        Arguments.of(tx, EvmRequests.transaction(creationTx), "evm_receiver"),
        // 21000 gas × 1 gwei is exactly the limit; one wei more per gas is above it
        Arguments.of(tx, EvmRequests.transaction(with(EvmRequests.tx("0"), "maxFeePerGas", "1000000001")), "evm_gas_cost"),
        Arguments.of(tx, EvmRequests.transaction(with(EvmRequests.tx("0"), "gas", "21001")), "evm_gas_cost"),
        Arguments.of(legacy, EvmRequests.transaction(legacyTx), "allow"),
        Arguments.of(legacy, EvmRequests.transaction(with(legacyTx.deepCopy(), "gasPrice", "2")), "evm_gas_cost"),
        Arguments.of(creation, EvmRequests.transaction(creationTx), "evm_contract_creation"),
        Arguments.of(creation, EvmRequests.transaction(EvmRequests.tx("5")), "allow"),
        Arguments.of(erc20, EvmRequests.transaction(EvmRequests.erc20(TRANSFER, RECEIVER, null, BigInteger.valueOf(1000))), "allow"),
        Arguments.of(erc20, EvmRequests.transaction(EvmRequests.erc20(TRANSFER, RECEIVER, null, BigInteger.valueOf(1001))), "erc20_amount"),
        Arguments.of(erc20, EvmRequests.transaction(EvmRequests.erc20(TRANSFER, SPENDER, null, BigInteger.ONE)), "erc20_receiver"),
        Arguments.of(erc20, EvmRequests.transaction(EvmRequests.erc20(TRANSFER_FROM, SPENDER, RECEIVER, BigInteger.TEN)), "allow"),
        Arguments.of(erc20, EvmRequests.transaction(EvmRequests.erc20(TRANSFER_FROM, RECEIVER, SPENDER, BigInteger.TEN)), "erc20_receiver"),
        Arguments.of(erc20, EvmRequests.transaction(EvmRequests.erc20(APPROVE, SPENDER, null, BigInteger.valueOf(1000))), "allow"),
        Arguments.of(erc20, EvmRequests.transaction(EvmRequests.erc20(APPROVE, RECEIVER, null, BigInteger.ONE)), "erc20_spender"),
        Arguments.of(erc20, EvmRequests.transaction(EvmRequests.erc20(APPROVE, SPENDER, null, MAX_UINT)), "erc20_amount"),
        // increaseAllowance(address,uint256) would go around the approve rules
        Arguments.of(erc20, EvmRequests.transaction(EvmRequests.erc20("39509351", SPENDER, null, BigInteger.ONE)), "erc20_unknown_call"),
        Arguments.of(erc20, EvmRequests.transaction(EvmRequests.tx("1")), "allow"), // not the token
        Arguments.of("rules: {evm_erc20: [{token: '" + TOKEN + "'}]}",
            EvmRequests.transaction(EvmRequests.erc20(APPROVE, SPENDER, null, MAX_UINT)), "erc20_unlimited_approval"),
        Arguments.of("rules: {evm_erc20: [{token: '" + TOKEN + "'}]}",
            EvmRequests.transaction(EvmRequests.erc20(APPROVE, SPENDER, null, BigInteger.ONE.shiftLeft(255).subtract(BigInteger.ONE))), "allow"),
        Arguments.of(unlimited, EvmRequests.transaction(EvmRequests.erc20(APPROVE, SPENDER, null, MAX_UINT)), "allow"),
        // off by default, on when a policy enables them
        Arguments.of("", EvmRequests.personal("hello"), "evm_eip191_disabled"),
        Arguments.of("", EvmRequests.typed(1, TOKEN), "evm_eip712_disabled"),
        Arguments.of("", new EvmSigningRequest.RawData(new byte[] {1}), "evm_raw_disabled"),
        Arguments.of("", EvmRequests.transaction(EvmRequests.tx("1")), "allow"),
        Arguments.of("rules: {evm_signing: {eip191: true}}", EvmRequests.personal("hello"), "allow"),
        Arguments.of("rules: {evm_signing: {eip191: true}}", EvmRequests.typed(1, TOKEN), "evm_eip712_disabled"),
        Arguments.of("rules: {evm_signing: {eip191: false}}", EvmRequests.personal("hello"), "evm_eip191_disabled"),
        Arguments.of("rules: {evm_signing: {raw: true}}", new EvmSigningRequest.RawData(new byte[] {1}), "allow"),
        Arguments.of("rules: {evm_signing: {eip712: true}}", EvmRequests.typed(5, SPENDER), "allow"),
        Arguments.of("rules: {evm_signing: {eip712: {domains: [{chain_id: 1, verifying_contract: '" + TOKEN + "'}]}}}",
            EvmRequests.typed(1, TOKEN), "allow"),
        Arguments.of("rules: {evm_signing: {eip712: {domains: [{chain_id: 1, verifying_contract: '" + TOKEN + "'}]}}}",
            EvmRequests.typed(2, TOKEN), "evm_eip712_domain"),
        Arguments.of("rules: {evm_signing: {eip712: {domains: [{chain_id: 1, verifying_contract: '" + TOKEN + "'}]}}}",
            EvmRequests.typed(1, SPENDER), "evm_eip712_domain"),
        Arguments.of("rules: {evm_approvals: {value_above: '1 ether', approvals: 2}}",
            EvmRequests.transaction(EvmRequests.tx(oneEther)), "allow"),
        Arguments.of("rules: {evm_approvals: {value_above: '1 ether', approvals: 2}}",
            EvmRequests.transaction(EvmRequests.tx("1000000000000000001")), "approval_required"),
        // validator rules never touch EVM requests
        Arguments.of("rules: {voluntary_exit: {action: deny}, rate_limits: [{type: RANDAO_REVEAL, max: 1, per: epoch}]}",
            EvmRequests.transaction(EvmRequests.tx("1")), "allow"));
  }

  @ParameterizedTest(name = "[{index}] {2}")
  @MethodSource("boundaries")
  void decides(String policy, EvmSigningRequest request, String expected) {
    store.set(PolicyTarget.of("key", EvmRequests.ACCOUNT.toString()), policy, "test");
    Decision decision = engine.dryRun(EvmRequests.of(request));
    assertEquals(expected, decision instanceof Decision.Allow ? "allow" : decision.rule(), decision.toString());
  }

  @Test
  void eip7702DelegatesAreRefusedUnlessListed() {
    String delegate = "0x" + "de".repeat(20);
    ObjectNode tx = EvmRequests.tx("0");
    var auth = tx.putArray("authorizationList").addObject();
    auth.put("chainId", "1").put("address", delegate).put("nonce", "0").put("yParity", "0").put("r", "1").put("s", "1");
    EvmSigningRequest request = EvmRequests.transaction(tx);
    assertEquals("evm_authorization", engine.dryRun(EvmRequests.of(request)).rule());
    store.set(PolicyTarget.of("operator", "default"), "rules: {evm_transaction: {delegates: ['0x" + "df".repeat(20) + "']}}", "t");
    assertEquals("evm_authorization", engine.dryRun(EvmRequests.of(request)).rule());
    store.set(PolicyTarget.of("operator", "default"), "rules: {evm_transaction: {delegates: ['" + delegate + "']}}", "t");
    assertInstanceOf(Decision.Allow.class, engine.dryRun(EvmRequests.of(request)));
  }

  @Test
  void valuePerWindowCountsUpToTheLimitExactlyAndNotBeyond() {
    store.set(PolicyTarget.of("key", EvmRequests.ACCOUNT.lowerHex()),
        "rules: {evm_value_windows: [{max: '3 ether', window: PT24H}]}", "t");
    String one = "1000000000000000000";
    for (int i = 0; i < 3; i++) {
      assertInstanceOf(Decision.Allow.class, engine.evaluate(EvmRequests.of(EvmRequests.transaction(EvmRequests.tx(one)))));
    }
    Decision over = engine.evaluate(EvmRequests.of(EvmRequests.transaction(EvmRequests.tx("1"))));
    assertEquals("evm_value_window", over.rule());
    // rolling: past midnight the day's spends still count; 24 hours after them they no longer do
    assertEquals("evm_value_window", engine.evaluate(EvmRequests.of(EvmRequests.transaction(EvmRequests.tx("1")),
        "wallet", NOW.plus(java.time.Duration.ofHours(12)))).rule());
    Decision tomorrow = engine.evaluate(EvmRequests.of(EvmRequests.transaction(EvmRequests.tx(one)), "wallet",
        Requests.NOW.plus(java.time.Duration.ofHours(24))));
    assertInstanceOf(Decision.Allow.class, tomorrow);
    // one request above the whole limit is refused without touching the counter
    assertEquals("evm_value_window", engine.evaluate(EvmRequests.of(EvmRequests.transaction(
        EvmRequests.tx("3000000000000000001")))).rule());
  }

  @Test
  void tokenWindowCountsTransfersAndApprovals() {
    store.set(PolicyTarget.of("operator", "default"),
        "rules: {evm_erc20: [{token: '" + TOKEN + "', window_max: '100', window: PT1H}]}", "t");
    assertInstanceOf(Decision.Allow.class, engine.evaluate(EvmRequests.of(EvmRequests.transaction(
        EvmRequests.erc20(TRANSFER, RECEIVER, null, BigInteger.valueOf(60))))));
    assertEquals("erc20_window", engine.evaluate(EvmRequests.of(EvmRequests.transaction(
        EvmRequests.erc20(APPROVE, SPENDER, null, BigInteger.valueOf(41))))).rule());
    assertInstanceOf(Decision.Allow.class, engine.evaluate(EvmRequests.of(EvmRequests.transaction(
        EvmRequests.erc20(APPROVE, SPENDER, null, BigInteger.valueOf(40))))));
    assertEquals("erc20_window", engine.evaluate(EvmRequests.of(EvmRequests.transaction(
        EvmRequests.erc20(TRANSFER_FROM, SPENDER, RECEIVER, BigInteger.ONE)))).rule());
  }

  @Test
  void anApprovedTransactionSignsOnceWhenRetriedIdentically() {
    store.set(PolicyTarget.of("operator", "default"), "rules: {evm_approvals: {value_above: '0', approvals: 1}}", "t");
    EvmSigningRequest request = EvmRequests.transaction(EvmRequests.tx("7"));
    Decision.NeedsApproval pending = (Decision.NeedsApproval) engine.evaluate(EvmRequests.of(request));
    var approval = engine.approvals().find(pending.approvalId()).orElseThrow();
    assertEquals(EvmRequests.ACCOUNT.lowerHex(), approval.key());
    assertEquals("EVM_TX", approval.signingType());
    // the same request again is the same pending approval, not a new one
    assertEquals(pending.approvalId(), ((Decision.NeedsApproval) engine.evaluate(EvmRequests.of(request))).approvalId());
    engine.approvals().vote(new dev.palisade.auth.Identity(dev.palisade.auth.IdentityId.of("approver"),
        dev.palisade.auth.OperatorId.of("default"), new dev.palisade.auth.Credential.BearerToken(),
        dev.palisade.auth.Scopes.parse("approve"), java.util.Optional.empty(), Instant.EPOCH, java.util.Optional.empty()), pending.approvalId(), true);
    // another transaction (other value, so other digest) is not covered
    assertInstanceOf(Decision.NeedsApproval.class, engine.evaluate(EvmRequests.of(EvmRequests.transaction(EvmRequests.tx("8")))));
    assertInstanceOf(Decision.Allow.class, engine.evaluate(EvmRequests.of(request)));
    assertInstanceOf(Decision.NeedsApproval.class, engine.evaluate(EvmRequests.of(request)), "consumed");
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = '|', value = {
      "rules: {evm_transaction: {max_value: 1.5}}|rules.evm_transaction.max_value",
      "rules: {evm_transaction: {max_value: '1.5'}}|rules.evm_transaction.max_value",
      "rules: {evm_transaction: {max_value: '1.5 eth3r'}}|rules.evm_transaction.max_value",
      "rules: {evm_transaction: {max_value: '0.0000000000000000001 ether'}}|rules.evm_transaction.max_value",
      "rules: {evm_transaction: {max_value: -1}}|rules.evm_transaction.max_value",
      "rules: {evm_transaction: {max_value: '115792089237316195423570985008687907853269984665640564039457584007913129639936'}}|rules.evm_transaction.max_value",
      "rules: {evm_transaction: {chain_ids: []}}|rules.evm_transaction.chain_ids",
      "rules: {evm_transaction: {chain_ids: [0]}}|rules.evm_transaction.chain_ids",
      "rules: {evm_transaction: {receivers: ['0x1234']}}|rules.evm_transaction.receivers",
      "rules: {evm_transaction: {receivers: ['0x52908400098527886e0F7030069857D2E4169EE7']}}|rules.evm_transaction.receivers",
      "rules: {evm_transaction: {contract_creation: maybe}}|rules.evm_transaction.contract_creation",
      "rules: {evm_transaction: {max_valu: 1}}|rules.evm_transaction.max_valu",
      "rules: {evm_value_windows: [{max: '1 ether'}]}|rules.evm_value_windows[0].window",
      "rules: {evm_value_windows: [{max: '1 ether', window: P32D}]}|rules.evm_value_windows[0].window",
      "rules: {evm_value_windows: [{window: PT1H}]}|rules.evm_value_windows[0].max",
      "rules: {evm_value_windows: {max: 1, window: PT1H}}|rules.evm_value_windows",
      "rules: {evm_erc20: [{max_amount: 5}]}|rules.evm_erc20[0].token",
      "rules: {evm_erc20: [{token: '0x7070707070707070707070707070707070707070', max_amount: '5 ether'}]}|rules.evm_erc20[0].max_amount",
      "rules: {evm_erc20: [{token: '0x7070707070707070707070707070707070707070', window_max: 5}]}|rules.evm_erc20[0].window",
      "rules: {evm_erc20: [{token: '0x7070707070707070707070707070707070707070', allow_unlimited_approval: yes please}]}|rules.evm_erc20[0].allow_unlimited_approval",
      "rules: {evm_signing: {eip191: 'true'}}|rules.evm_signing.eip191",
      "rules: {evm_signing: {eip712: {domains: []}}}|rules.evm_signing.eip712.domains",
      "rules: {evm_signing: {eip712: {domains: [{chain_id: 1}]}}}|rules.evm_signing.eip712.domains[0].verifying_contract",
      "rules: {evm_signing: {blind: true}}|rules.evm_signing.blind",
      "rules: {evm_approvals: {approvals: 2}}|rules.evm_approvals.value_above",
      "rules: {evm_approvals: {value_above: 1, approvals: 17}}|rules.evm_approvals.approvals"})
  void refusesABadDocumentNamingTheField(String policy, String field) {
    InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
        () -> store.set(PolicyTarget.of("operator", "default"), policy, "test"));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(store.history(PolicyTarget.of("operator", "default")).isEmpty(), "nothing stored");
  }

  @Test
  void aKeyTargetIsTheLowerCaseAddressWhateverTheSpelling() {
    assertEquals(EvmRequests.ACCOUNT.lowerHex(), PolicyTarget.of("key", EvmRequests.ACCOUNT.toString()).id());
    assertThrows(InvalidPolicyException.class, () -> PolicyTarget.of("key", "0x" + "a1".repeat(19)));
  }
}
