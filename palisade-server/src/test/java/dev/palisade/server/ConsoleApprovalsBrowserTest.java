package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.Totp;
import dev.palisade.eth2.Hex;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.bouncycastle.util.encoders.Base32;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The approvals and policies pages in a real browser, over the policy engine: an exit held for
 * approval is approved on the console page, and the validator client's retry is signed.
 */
class ConsoleApprovalsBrowserTest {
  static final String ONE_APPROVAL = PolicyHttpTest.POLICY.replace("approvals: 2", "approvals: 1");

  @TempDir Path temp;

  @Test
  void anExitApprovedInTheConsoleIsSignedOnRetryAndPolicyVersionsAreDiffed() {
    try (TenantNode tenants = TenantNode.start(temp.resolve("node"), null);
        ConsoleBrowser browser = ConsoleBrowser.open(temp.resolve("chrome"), tenants.node.port())) {
      tenants.node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      String admin = tenants.identity("ops", "default", "admin");
      String requester = tenants.identity("exits", "default", "sign:exit");
      String approver = tenants.identity("approver-1", "default", "approve");
      String policy = "/admin/v1/policies/operator/default";
      assertEquals(200, tenants.call("PUT", policy, admin, PolicyHttpTest.POLICY).statusCode());
      assertEquals(200, tenants.call("PUT", policy, admin, ONE_APPROVAL).statusCode());
      HttpResponse<String> held = tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit());
      assertEquals(412, held.statusCode(), held.body());
      String id = TenantNode.read(held.body()).get("approval_id").asText();

      browser.login(approver);
      assertEquals("1 pending", browser.text("pending-approvals"));
      browser.get("/console/approvals");
      WebElement row = browser.driver.findElement(By.cssSelector("#approvals tr[data-id='" + id + "']"));
      assertTrue(row.getText().contains("VOLUNTARY_EXIT") && row.getText().contains(SigningApiTest.PUBKEY)
          && row.getText().contains("exits"), row.getText());
      browser.screenshot("approvals");
      browser.clickConfirmAndWait(By.cssSelector("#approvals tr[data-id='" + id + "'] button.approve"));
      assertEquals("Your approve is recorded.", browser.text("message"));
      assertEquals(200, tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit()).statusCode(),
          "the retried exit is signed once approved");
      String audit = tenants.call("GET", "/admin/v1/audit?rows=50", admin, null).body();
      assertTrue(audit.contains("approver-1"), "the vote is audited as the approver: " + audit);

      browser.clickAndWait(By.id("logout"));
      browser.login(admin);
      browser.get("/console/policies");
      List<WebElement> versions = browser.driver.findElements(By.cssSelector("section.policy-version h2"));
      assertEquals(List.of("Version 2", "Version 1"), versions.stream().map(WebElement::getText).toList());
      assertEquals("- approvals: 2", browser.driver.findElement(By.cssSelector("pre.diff span.removed")).getText().trim()
          .replaceAll("\\s+", " "));
      assertEquals("+ approvals: 1", browser.driver.findElement(By.cssSelector("pre.diff span.added")).getText().trim()
          .replaceAll("\\s+", " "));
      browser.screenshot("policies");
    }
  }

  @Test
  void anApproverWithTotpIsRefusedWithAWrongCodeAndApprovesWithTheRightOne() {
    try (TenantNode tenants = TenantNode.start(temp.resolve("node"), null);
        ConsoleBrowser browser = ConsoleBrowser.open(temp.resolve("chrome"), tenants.node.port())) {
      tenants.node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      String admin = tenants.identity("ops", "default", "admin");
      String requester = tenants.identity("exits", "default", "sign:exit");
      String approver = tenants.identity("approver-1", "default", "approve");
      assertEquals(200, tenants.call("PUT", "/admin/v1/policies/operator/default", admin, ONE_APPROVAL).statusCode());
      String totp = "/admin/v1/identities/approver-1/totp";
      String base32 = TenantNode.read(tenants.call("POST", totp, approver, null).body()).get("secret").asText();
      byte[] secret = Base32.decode(base32 + "=".repeat((8 - base32.length() % 8) % 8));
      long step = Totp.step(Instant.now());
      assertEquals(200, tenants.call("POST", totp + "/confirm", approver,
          "{\"totp\":\"" + Totp.code(secret, step, 6) + "\"}").statusCode());
      HttpResponse<String> held = tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit());
      assertEquals(412, held.statusCode(), held.body());
      String id = TenantNode.read(held.body()).get("approval_id").asText();

      browser.login(approver);
      browser.get("/console/approvals");
      By approveForm = By.cssSelector("#approvals tr[data-id='" + id + "'] form[action$='/approve']");
      String wrong = Totp.code(secret, step + 1, 6).equals("000000") ? "000001" : "000000";
      browser.driver.findElement(approveForm).findElement(By.name("totp")).sendKeys(wrong);
      browser.clickConfirmAndWait(By.cssSelector("#approvals tr[data-id='" + id + "'] button.approve"));
      assertEquals("totp code invalid", browser.text("message"));
      assertEquals(0, TenantNode.read(tenants.call("GET", "/admin/v1/approvals/" + id, approver, null).body())
          .get("approvals").asInt(), "no vote recorded");
      assertEquals(412, tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit()).statusCode());

      browser.driver.findElement(approveForm).findElement(By.name("totp")).sendKeys(Totp.code(secret, step + 1, 6));
      browser.screenshot("approvals-totp");
      browser.clickConfirmAndWait(By.cssSelector("#approvals tr[data-id='" + id + "'] button.approve"));
      assertEquals("Your approve is recorded.", browser.text("message"));
      assertEquals(200, tenants.sign(requester, SigningApiTest.PUBKEY, TenantNode.exit()).statusCode(),
          "the retried exit is signed once approved with a valid code");
    }
  }
}
