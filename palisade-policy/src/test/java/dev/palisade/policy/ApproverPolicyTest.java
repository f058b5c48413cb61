package dev.palisade.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.OperatorId;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.store.Dialect;
import java.time.Clock;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code totp: required} on an approval rule: read from the documents in force for the approval's type, key and requester. */
class ApproverPolicyTest {
  private PolicyStore store;
  private PolicyEngine engine;
  private ApproverPolicy approvers;

  @BeforeEach
  void open() {
    DataSource dataSource = TestDatabases.sqlite();
    Clock clock = Clock.fixed(Requests.NOW, ZoneOffset.UTC);
    store = PolicyStore.open(dataSource, Dialect.SQLITE, RuleRegistry.builtIn());
    engine = new PolicyEngine(store, new CounterStore(dataSource, clock), new ApprovalStore(dataSource, clock, e -> {}));
    approvers = new ApproverPolicy(engine);
  }

  private Approval held(String body) {
    Decision decision = engine.evaluate(Requests.of(body));
    return engine.approvals().find(assertInstanceOf(Decision.NeedsApproval.class, decision).approvalId()).orElseThrow();
  }

  @Test
  void anApprovalRuleWithTotpRequiredBindsItsApproversAndOnlyThem() {
    store.set(PolicyTarget.of("operator", "default"), """
        rules:
          voluntary_exit: {action: approval, approvals: 2, totp: required}
          approvals: [{type: DEPOSIT, approvals: 1, totp: optional}]
        """, "t");
    Approval exit = held(Requests.exit(5));
    Approval deposit = held(Requests.deposit("0x01" + "00".repeat(11) + Requests.TREASURY, 32_000_000_000L));
    assertTrue(approvers.totpRequired(exit));
    assertFalse(approvers.totpRequired(deposit));
    BlsPublicKey key = BlsPublicKey.fromHex(Requests.PUBKEY);
    assertTrue(approvers.totpRequiredToVote(OperatorId.of("default"), exit.id()));
    assertFalse(approvers.totpRequiredToVote(OperatorId.of("opb"), exit.id()), "another operator's approval");
    assertFalse(approvers.totpRequiredToVote(OperatorId.of("default"), "apr-none"));
    assertTrue(approvers.totpRequiredToGrant(OperatorId.of("default"), key, "VOLUNTARY_EXIT"), "a pre-approval");
    assertFalse(approvers.totpRequiredToGrant(OperatorId.of("opb"), key, "VOLUNTARY_EXIT"), "another operator's policy");

    // the documents in force decide: a key's policy tightening deposits binds the pending vote too
    store.set(PolicyTarget.of("key", Requests.PUBKEY), "rules: {approvals: [{type: DEPOSIT, totp: required}]}", "t");
    assertTrue(approvers.totpRequired(deposit));
    // a requester's own policy applies to its requests, not to pre-approvals (any requester)
    store.set(PolicyTarget.of("identity", "validator"), "rules: {approvals: [{type: RANDAO_REVEAL, totp: required}]}", "t");
    assertTrue(approvers.totpRequired(OperatorId.of("default"), key.toHex(), "validator", "RANDAO_REVEAL"));
    assertFalse(approvers.totpRequiredToGrant(OperatorId.of("default"), key, "RANDAO_REVEAL"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "rules: {voluntary_exit: {action: approval, totp: maybe}}|rules.voluntary_exit.totp",
      "rules: {voluntary_exit: {action: deny, totp: required}}|rules.voluntary_exit.totp",
      "rules: {approvals: [{type: DEPOSIT, totp: yes}]}|rules.approvals[0].totp"})
  void aBadTotpSettingIsRefusedNamingTheField(String policy, String field) {
    InvalidPolicyException e = assertThrows(InvalidPolicyException.class,
        () -> store.set(PolicyTarget.of("operator", "default"), policy, "t"));
    assertEquals(field, e.field(), e.getMessage());
  }
}
