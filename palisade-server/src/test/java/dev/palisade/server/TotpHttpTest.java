package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.Totp;
import dev.palisade.eth2.Hex;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An approver's TOTP through the admin API: enroll (the secret in that one answer), confirm, then
 * every vote needs a fresh code; a wrong or missing one records no vote; five wrong ones → 429; an
 * admin of the same operator removes it. The codes are computed here from the secret the node gave.
 */
class TotpHttpTest {
  @TempDir Path temp;

  private final List<HttpResponse<String>> answers = new ArrayList<>();

  private HttpResponse<String> call(TenantNode tenants, String method, String path, String token, String body) {
    HttpResponse<String> answer = tenants.call(method, path, token, body);
    answers.add(answer);
    return answer;
  }

  @Test
  void anEnrolledApproverVotesOnlyWithAFreshValidCode() {
    try (TenantNode tenants = TenantNode.start(temp.resolve("node"), null)) {
      tenants.node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      String admin = tenants.identity("ops", "default", "admin");
      String requester = tenants.identity("exits", "default", "sign:exit");
      String alice = tenants.identity("alice", "default", "approve");
      String bob = tenants.identity("bob", "default", "approve");
      String opbAdmin = tenants.identity("opb-ops", "opb", "admin");
      assertEquals(200, call(tenants, "PUT", "/admin/v1/policies/operator/default", admin, PolicyHttpTest.POLICY)
          .statusCode());

      String totp = "/admin/v1/identities/alice/totp";
      assertEquals(404, call(tenants, "POST", totp, opbAdmin, null).statusCode(), "another operator's identity");
      assertEquals(403, call(tenants, "POST", totp, bob, null).statusCode(), "another approver");
      HttpResponse<String> enrolled = tenants.call("POST", totp, alice, null);
      assertEquals(201, enrolled.statusCode(), enrolled.body());
      assertEquals("no-store", enrolled.headers().firstValue("Cache-Control").orElse(""));
      JsonNode enrollment = TenantNode.read(enrolled.body());
      String base32 = enrollment.get("secret").asText();
      assertTrue(enrollment.get("otpauth_uri").asText().startsWith("otpauth://totp/Palisade%20default:alice?secret="
          + base32 + "&"), enrolled.body());
      byte[] secret = Base32.decode(base32 + "=".repeat((8 - base32.length() % 8) % 8));
      assertEquals(Totp.SECRET_BYTES, secret.length, "160 bits");
      assertEquals("pending", TenantNode.read(call(tenants, "GET", totp, admin, null).body()).get("totp").asText());

      long step = Totp.step(Instant.now());
      String now = Totp.code(secret, step, 6);
      String next = Totp.code(secret, step + 1, 6);
      String wrong = now.equals("000000") ? "000001" : "000000";
      HttpResponse<String> badConfirm = call(tenants, "POST", totp + "/confirm", alice, "{\"totp\":\"" + wrong + "\"}");
      assertEquals(403, badConfirm.statusCode());
      assertTrue(badConfirm.body().contains("totp code invalid"), badConfirm.body());
      assertEquals(200, call(tenants, "POST", totp + "/confirm", alice, "{\"totp\":\"" + now + "\"}").statusCode());
      assertEquals("confirmed", TenantNode.read(call(tenants, "GET", totp, alice, null).body()).get("totp").asText());

      HttpResponse<String> held = tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit());
      assertEquals(412, held.statusCode(), held.body());
      String approval = "/admin/v1/approvals/" + TenantNode.read(held.body()).get("approval_id").asText();
      HttpResponse<String> noCode = call(tenants, "POST", approval + "/approve", alice, null);
      assertEquals(403, noCode.statusCode());
      assertTrue(noCode.body().contains("totp code required"), noCode.body());
      HttpResponse<String> badCode = call(tenants, "POST", approval + "/approve", alice, "{\"totp\":\"" + wrong + "\"}");
      assertEquals(403, badCode.statusCode());
      assertTrue(badCode.body().contains("totp code invalid"), badCode.body());
      HttpResponse<String> replay = call(tenants, "POST", approval + "/approve", alice, "{\"totp\":\"" + now + "\"}");
      assertEquals(403, replay.statusCode(), "the confirming code cannot be used again: " + replay.body());
      HttpResponse<String> malformed = call(tenants, "POST", approval + "/approve", alice, "{\"totp\":\"12ab56\"}");
      assertEquals(400, malformed.statusCode(), malformed.body());
      assertTrue(malformed.body().contains("\"field\":\"totp\""), malformed.body());
      assertEquals(0, TenantNode.read(call(tenants, "GET", approval, alice, null).body()).get("approvals").asInt(),
          "no vote recorded");

      HttpResponse<String> voted = call(tenants, "POST", approval + "/approve", alice, "{\"totp\":\"" + next + "\"}");
      assertEquals(200, voted.statusCode(), voted.body());
      assertEquals(1, TenantNode.read(voted.body()).get("approvals").asInt());
      assertEquals(200, call(tenants, "POST", approval + "/approve", bob, null).statusCode(), "bob has no TOTP");
      assertEquals(200, tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit()).statusCode());

      // five wrong codes (the two above were forgiven by the codes accepted after them), then 429
      HttpResponse<String> heldAgain = tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit());
      String second = "/admin/v1/approvals/" + TenantNode.read(heldAgain.body()).get("approval_id").asText();
      for (int i = 0; i < 5; i++) {
        assertEquals(403, call(tenants, "POST", second + "/deny", alice, "{\"totp\":\"" + wrong + "\"}").statusCode());
      }
      HttpResponse<String> locked = call(tenants, "POST", second + "/deny", alice, "{\"totp\":\"" + wrong + "\"}");
      assertEquals(429, locked.statusCode(), locked.body());
      assertTrue(locked.body().contains("too many wrong totp codes"), locked.body());
      assertEquals("pending", TenantNode.read(call(tenants, "GET", second, alice, null).body()).get("status").asText());

      assertEquals(403, call(tenants, "DELETE", totp, alice, null).statusCode(), "an approver cannot drop its own");
      assertEquals(404, call(tenants, "DELETE", totp, opbAdmin, null).statusCode());
      assertEquals(200, call(tenants, "DELETE", totp, admin, null).statusCode());
      assertEquals("none", TenantNode.read(call(tenants, "GET", totp, admin, null).body()).get("totp").asText());

      String auditTail = call(tenants, "GET", "/admin/v1/audit?rows=60", admin, null).body();
      for (String event : List.of("TOTP_ENROLL", "TOTP_CONFIRM", "TOTP_REFUSE", "TOTP_ACCEPT", "TOTP_REMOVE")) {
        assertTrue(auditTail.contains(event), event + " in " + auditTail);
      }
      for (HttpResponse<String> answer : answers) {
        assertFalse(answer.body().contains(base32), "the secret is only in the enrollment's answer");
      }
      assertFalse(auditTail.contains("\"" + now + "\"") || auditTail.contains(" " + next), "no code is audited");
    }
  }

  @Test
  void aRuleWithTotpRequiredRefusesTheVoteOfAnApproverWithoutTotp() {
    try (TenantNode tenants = TenantNode.start(temp.resolve("node"), null)) {
      tenants.node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      String admin = tenants.identity("ops", "default", "admin");
      String requester = tenants.identity("exits", "default", "sign:exit");
      String bob = tenants.identity("bob", "default", "approve");
      String policy = PolicyHttpTest.POLICY.replace("approvals: 2", "approvals: 1\n    totp: required");
      assertTrue(policy.contains("totp: required"), policy);
      assertEquals(200, tenants.call("PUT", "/admin/v1/policies/operator/default", admin, policy).statusCode());
      HttpResponse<String> held = tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit());
      String approval = "/admin/v1/approvals/" + TenantNode.read(held.body()).get("approval_id").asText();
      HttpResponse<String> refused = tenants.call("POST", approval + "/approve", bob, null);
      assertEquals(403, refused.statusCode());
      assertTrue(refused.body().contains("totp required by policy"), refused.body());
      assertEquals(0, TenantNode.read(tenants.call("GET", approval, bob, null).body()).get("approvals").asInt());

      // with the rule relaxed, the same approver's vote counts (the policy in force decides)
      assertEquals(200, tenants.call("PUT", "/admin/v1/policies/operator/default", admin, PolicyHttpTest.POLICY
          .replace("approvals: 2", "approvals: 1")).statusCode());
      assertEquals(200, tenants.call("POST", approval + "/approve", bob, null).statusCode());
    }
  }
}
