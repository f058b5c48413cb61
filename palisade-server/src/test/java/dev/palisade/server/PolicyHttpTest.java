package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.AuditRecord;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Policies and approvals through HTTP, on SQLite and PostgreSQL: deposits and registrations only to
 * the treasury, exits under a two-person rule, a policy deny that records nothing in the slashing store.
 */
class PolicyHttpTest {
  static final String TREASURY = "abcf8e0d4e9587369b2301d0790347320302cc09";
  static final String POLICY = """
      rules:
        deposit:
          withdrawal_credentials: ['0x%s']
        validator_registration:
          fee_recipients: ['0x%s']
        voluntary_exit:
          action: approval
          approvals: 2
      """.formatted(TREASURY, TREASURY);
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  @TempDir Path temp;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  static Stream<String> stores() {
    return Stream.of("sqlite", "postgresql");
  }

  static TenantNode start(Path data, String store) throws Exception {
    if (store.equals("sqlite")) {
      return TenantNode.start(data, null);
    }
    String name = "policy_" + DATABASES.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("create database " + name);
    }
    return TenantNode.start(data, postgres.getJdbcUrl("postgres", name));
  }

  static String deposit(String credentials) {
    return """
        {"type":"DEPOSIT","deposit":{"pubkey":"%s","withdrawal_credentials":"%s","amount":"32000000000","genesis_fork_version":"0x00000000"}}
        """.formatted(SigningApiTest.PUBKEY, credentials);
  }

  static String registration(String feeRecipient) {
    return """
        {"type":"VALIDATOR_REGISTRATION","validator_registration":{"fee_recipient":"%s","gas_limit":"30000000","timestamp":"1700000000","pubkey":"%s"}}
        """.formatted(feeRecipient, SigningApiTest.PUBKEY);
  }

  private static String rule(HttpResponse<String> response) {
    return TenantNode.read(response.body()).path("rule").asText();
  }

  @ParameterizedTest
  @MethodSource("stores")
  void depositsAndRegistrationsGoOnlyToTheTreasury(String store) throws Exception {
    try (TenantNode tenants = start(temp.resolve("data"), store)) {
      tenants.node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      String admin = tenants.identity("admin-a", "default", "admin");
      String signer = tenants.identity("ops", "default", "validate,sign:deposit");
      HttpResponse<String> set = tenants.call("PUT", "/admin/v1/policies/operator/default", admin, POLICY);
      assertEquals(200, set.statusCode(), set.body());
      assertEquals(1, TenantNode.read(set.body()).get("version").asLong());

      HttpResponse<String> elsewhere = tenants.sign(signer, SigningApiTest.PUBKEY, deposit("0x01" + "00".repeat(11) + "22".repeat(20)));
      assertEquals(412, elsewhere.statusCode(), elsewhere.body());
      assertEquals("deposit_withdrawal_credentials", rule(elsewhere));
      assertTrue(elsewhere.body().contains("policy v1"), elsewhere.body());
      assertEquals(200, tenants.sign(signer, SigningApiTest.PUBKEY, deposit("0x01" + "00".repeat(11) + TREASURY)).statusCode());

      HttpResponse<String> otherRecipient = tenants.sign(signer, SigningApiTest.PUBKEY, registration("0x" + "33".repeat(20)));
      assertEquals(412, otherRecipient.statusCode(), otherRecipient.body());
      assertEquals("registration_fee_recipient", rule(otherRecipient));
      assertEquals(200, tenants.sign(signer, SigningApiTest.PUBKEY, registration("0x" + TREASURY)).statusCode());

      // a key time-locked by policy: its attestation is refused before anti-slashing sees it
      String lock = "rules: {time_lock: {not_before: '2999-01-01T00:00:00Z'}}";
      assertEquals(200, tenants.call("PUT", "/admin/v1/policies/key/" + SigningApiTest.PUBKEY, admin, lock).statusCode());
      HttpResponse<String> locked = tenants.sign(signer, SigningApiTest.PUBKEY, SigningApiTest.attestation(3, 4, "0x" + "01".repeat(32)));
      assertEquals(412, locked.statusCode(), locked.body());
      assertEquals("time_lock", rule(locked));
      assertEquals(200, tenants.call("PUT", "/admin/v1/policies/key/" + SigningApiTest.PUBKEY, admin, "").statusCode());
      // another root for the same target: a double vote, had the refused one been recorded
      HttpResponse<String> signed = tenants.sign(signer, SigningApiTest.PUBKEY, SigningApiTest.attestation(3, 4, "0x" + "02".repeat(32)));
      assertEquals(200, signed.statusCode(), "the policy deny recorded nothing: " + signed.body());

      JsonNode history = TenantNode.read(tenants.call("GET", "/admin/v1/policies/key/" + SigningApiTest.PUBKEY + "/history", admin, null).body());
      assertEquals(List.of(3L, 2L), List.of(history.get(0).get("version").asLong(), history.get(1).get("version").asLong()));
      String opbAdmin = tenants.identity("admin-b", "opb", "admin");
      assertEquals(404, tenants.call("GET", "/admin/v1/policies/operator/default", opbAdmin, null).statusCode());
      assertEquals(404, tenants.call("PUT", "/admin/v1/policies/key/" + SigningApiTest.PUBKEY, opbAdmin, "").statusCode());
      HttpResponse<String> bad = tenants.call("PUT", "/admin/v1/policies/operator/default", admin, "rules: {deposit: {max_amount: 1}}");
      assertEquals(400, bad.statusCode(), bad.body());
      assertEquals("rules.deposit.max_amount", TenantNode.read(bad.body()).get("field").asText());
      assertEquals(403, tenants.call("GET", "/admin/v1/policies/operator/default", signer, null).statusCode());
      awaitAudit(tenants, "signed (policy v3)");
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void anExitNeedsTwoOtherApproversOfTheSameOperatorAndIsSignedOnce(String store) throws Exception {
    try (TenantNode tenants = start(temp.resolve("data"), store)) {
      tenants.node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      String admin = tenants.identity("admin-a", "default", "admin");
      String requester = tenants.identity("exits", "default", "sign:exit,approve");
      String first = tenants.identity("approver-1", "default", "approve");
      String second = tenants.identity("approver-2", "default", "approve");
      String stranger = tenants.identity("approver-b", "opb", "approve");
      assertEquals(200, tenants.call("PUT", "/admin/v1/policies/operator/default", admin, POLICY).statusCode());

      HttpResponse<String> held = tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit());
      assertEquals(412, held.statusCode(), held.body());
      assertEquals("approval_required", rule(held));
      String id = TenantNode.read(held.body()).get("approval_id").asText();
      assertTrue(id.startsWith("apr-"), held.body());

      assertEquals(403, tenants.call("POST", "/admin/v1/approvals/" + id + "/approve", requester, null).statusCode(),
          "the requester cannot approve");
      assertEquals(404, tenants.call("POST", "/admin/v1/approvals/" + id + "/approve", stranger, null).statusCode(),
          "another operator's approval does not exist for it");
      assertEquals(403, tenants.call("POST", "/admin/v1/approvals/" + id + "/approve", admin, null).statusCode(),
          "admin is not approve");
      assertFalse(tenants.call("GET", "/admin/v1/approvals", stranger, null).body().contains(id));

      assertEquals(200, tenants.call("POST", "/admin/v1/approvals/" + id + "/approve", first, null).statusCode());
      HttpResponse<String> stillHeld = tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit());
      assertEquals(412, stillHeld.statusCode());
      assertEquals(id, TenantNode.read(stillHeld.body()).get("approval_id").asText(), "the same approval");
      HttpResponse<String> granted = tenants.call("POST", "/admin/v1/approvals/" + id + "/approve", second, null);
      assertEquals("approved", TenantNode.read(granted.body()).get("status").asText(), granted.body());
      JsonNode listed = TenantNode.read(tenants.call("GET", "/admin/v1/approvals", first, null).body());
      assertEquals(id, listed.get(0).get("id").asText());
      assertEquals(2, listed.get(0).get("votes").size());

      assertEquals(200, tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit()).statusCode(), "signed once approved");
      HttpResponse<String> again = tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit());
      assertEquals(412, again.statusCode(), again.body());
      assertNotEquals(id, TenantNode.read(again.body()).get("approval_id").asText(), "the approval was consumed");
      assertEquals("consumed", TenantNode.read(tenants.call("GET", "/admin/v1/approvals/" + id, first, null).body())
          .get("status").asText());
      // pre-approval: one exit of the key granted ahead by approver-1, approved by approver-2, used at once
      String ahead = "{\"key\":\"" + SigningApiTest.PUBKEY + "\",\"type\":\"VOLUNTARY_EXIT\",\"valid_until\":\""
          + java.time.Instant.now().plusSeconds(3600) + "\"}";
      assertEquals(404, tenants.call("POST", "/admin/v1/approvals", stranger, ahead).statusCode(), "not its operator's key");
      HttpResponse<String> granted1 = tenants.call("POST", "/admin/v1/approvals", first, ahead);
      assertEquals(201, granted1.statusCode(), granted1.body());
      String aheadId = TenantNode.read(granted1.body()).get("id").asText();
      assertEquals(412, tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit()).statusCode(), "one approval of two");
      assertEquals(200, tenants.call("POST", "/admin/v1/approvals/" + aheadId + "/approve", second, null).statusCode());
      assertEquals(200, tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit()).statusCode(), "pre-approved");
      assertEquals(412, tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit()).statusCode(), "used once");
      awaitAudit(tenants, "approval " + id + " consumed");
      List<String> events = tenants.node.auditLog().tail(100).stream().map(r -> r.entry().signingType()).toList();
      for (String event : List.of("APPROVAL_REQUEST", "APPROVAL_APPROVE", "APPROVAL_APPROVED", "APPROVAL_CONSUMED", "POLICY_SET")) {
        assertTrue(events.contains(event), event + " in " + events);
      }
    }
  }

  /** Signing rows are written by the audit writer's thread: wait for one. */
  static void awaitAudit(TenantNode tenants, String reasonPart) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (AuditRecord record : tenants.node.auditLog().tail(200)) {
        if (record.entry().reason().contains(reasonPart)) {
          return;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no audit row containing '" + reasonPart + "'");
  }
}
