package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;

/**
 * The console in a real browser, on a node with two operators: {@code default} (one key, signed
 * {@value #SIGNED} attestations and a block at slot {@value #BLOCK_SLOT}, was refused {@value #REFUSED},
 * and one generated secp256k1 account) and {@code opb} (one key of its own). Screenshots of each page
 * go to {@code target/console-screenshots}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  static final int SIGNED = 3;
  static final int REFUSED = 2;
  static final long BLOCK_SLOT = 37;

  @TempDir static Path temp;
  TenantNode tenants;
  ConsoleBrowser browser;
  String ops;
  String opbAdmin;
  String opbKey;
  String evmAddress;

  private final java.io.ByteArrayOutputStream logs = new java.io.ByteArrayOutputStream();
  private java.io.PrintStream originalErr;

  @BeforeAll
  void start() throws Exception {
    originalErr = System.err; // slf4j-simple writes to System.err: keep a copy to look for secrets
    System.setErr(new java.io.PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        originalErr.write(b);
        logs.write(b);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        originalErr.write(bytes, offset, length);
        logs.write(bytes, offset, length);
      }
    }, true, java.nio.charset.StandardCharsets.UTF_8));
    tenants = TenantNode.start(temp.resolve("node"), null);
    tenants.node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
    ops = tenants.identity("ops", "default", "admin,keys:read,keys:write,validate");
    opbAdmin = tenants.identity("opb-admin", "opb", "admin,keys:read,keys:write");
    BlsSecretKey opb = TenantNode.newKey();
    opbKey = opb.publicKey().toHex();
    HttpResponse<String> imported = tenants.call("POST", "/eth/v1/keystores", opbAdmin,
        TenantNode.importBody(TenantNode.keystore(opb, "pw"), "pw", null));
    assertTrue(imported.body().contains("imported"), imported.body());
    String sign = "/api/v1/eth2/sign/" + SigningApiTest.PUBKEY;
    for (int i = 0; i < SIGNED; i++) {
      assertEquals(200, tenants.call("POST", sign, ops, SigningApiTest.attestation(i, i + 1, "0x" + "00".repeat(32)))
          .statusCode());
    }
    for (int i = 0; i < REFUSED; i++) { // another block root at a signed target: a double vote
      assertEquals(412, tenants.call("POST", sign, ops,
          SigningApiTest.attestation(i, i + 1, "0x" + "1" + i + "11".repeat(31))).statusCode());
    }
    assertEquals(200, tenants.call("POST", sign, ops, TwoInstancesRaceTest.block(BLOCK_SLOT, "0x" + "00".repeat(32)))
        .statusCode());
    HttpResponse<String> generated = tenants.call("POST", "/admin/v1/evm/keys", ops, "{\"generate\":true}");
    assertEquals(201, generated.statusCode(), generated.body());
    evmAddress = TenantNode.read(generated.body()).get("address").asText();
    awaitAuditRows(SIGNED + REFUSED + 1);
    browser = ConsoleBrowser.open(temp.resolve("chrome"), tenants.node.port());
  }

  /** Audit rows are written in batches by their own thread: wait until the API reads them all. */
  private void awaitAuditRows(int rows) throws InterruptedException {
    for (int attempt = 0; attempt < 100; attempt++) {
      JsonNode tail = TenantNode.read(tenants.call("GET", "/admin/v1/audit?rows=100", ops, null).body());
      if (StreamSupport.stream(tail.spliterator(), false)
          .filter(row -> List.of("ATTESTATION", "BLOCK_V2").contains(row.path("type").asText())).count() >= rows) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("audit rows never appeared");
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (tenants != null) {
      tenants.close();
    }
    System.setErr(originalErr);
    String logged = logs.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(logged.contains("refused ATTESTATION"), "the capture saw the node's log");
    assertFalse(logged.contains(ops) || logged.contains(opbAdmin), "a token typed into the login form was logged");
  }

  @Test
  @Order(1)
  void withoutASessionEveryPageGoesToTheLoginForm() {
    browser.get("/console/keys");
    assertTrue(browser.driver.getCurrentUrl().endsWith("/console/login"), browser.driver.getCurrentUrl());
    browser.screenshot("login");
    browser.login("not-a-token");
    assertEquals("That token or certificate is not accepted.", browser.text("message"));
  }

  @Test
  @Order(2)
  void overviewAndKeysShowTheOperatorsKeysAndCountsAndNothingOfAnother() {
    browser.login(ops);
    assertTrue(browser.driver.getCurrentUrl().endsWith("/console/overview"), browser.driver.getCurrentUrl());
    assertEquals("1", browser.text("keys-enabled"));
    assertEquals("1", browser.text("keys-readonly"));
    WebElement row = browser.driver.findElement(By.cssSelector("#last-hour tr[data-type=ATTESTATION]"));
    assertEquals(String.valueOf(SIGNED), row.findElement(By.className("signed")).getText());
    assertEquals(String.valueOf(REFUSED), row.findElement(By.className("refused")).getText());
    assertTrue(browser.source().contains("<svg"), "latency chart drawn");
    assertTrue(browser.text("health").contains("up"), browser.text("health"));
    assertFalse(browser.source().contains(opbKey.substring(2)), "another operator's key is not shown");
    browser.screenshot("overview");

    browser.get("/console/keys");
    WebElement bls = browser.driver.findElement(By.cssSelector("#keys tr[data-key='" + SigningApiTest.PUBKEY + "']"));
    assertEquals("default", bls.findElement(By.className("operator")).getText());
    assertEquals("BLS", bls.findElement(By.className("type")).getText());
    assertEquals("enabled", bls.findElement(By.className("state")).getText());
    assertEquals("read-only", bls.findElement(By.className("management")).getText());
    assertEquals(String.valueOf(BLOCK_SLOT), bls.findElement(By.className("block-slot")).getText());
    // attestations (0,1), (1,2), (2,3) were signed: the watermark is the last one
    assertEquals(String.valueOf(SIGNED - 1), bls.findElement(By.className("att-source")).getText());
    assertEquals(String.valueOf(SIGNED), bls.findElement(By.className("att-target")).getText());
    assertEquals(String.valueOf(REFUSED), bls.findElement(By.className("refusals")).getText());
    WebElement evm = browser.driver.findElement(By.cssSelector("#keys tr[data-key='" + evmAddress + "']"));
    assertEquals("secp256k1", evm.findElement(By.className("type")).getText());
    assertEquals(evmAddress, evm.findElement(By.className("key")).getText());
    assertFalse(evmAddress.equals(evmAddress.toLowerCase(java.util.Locale.ROOT)), "EIP-55 checksummed: " + evmAddress);
    assertEquals("managed", evm.findElement(By.className("management")).getText());
    assertEquals("2 key(s)", browser.text("keys-count"));
    assertFalse(browser.source().contains(opbKey.substring(2)), "another operator's key is not shown");
    browser.screenshot("keys");
    browser.get("/console/keys?page=two");
    assertEquals("page must be a page number (1, 2, …)", browser.text("message"));
  }

  @Test
  @Order(3)
  void refusalsAndAuditPagesShowTheRefusedRequestsAndTheChain() {
    browser.get("/console/refusals");
    List<WebElement> rows = browser.driver.findElements(By.cssSelector("#refusals tr.refused"));
    assertEquals(REFUSED, rows.size());
    for (WebElement row : rows) {
      assertTrue(row.getText().contains("ATTESTATION") && row.getText().contains(SigningApiTest.PUBKEY), row.getText());
      assertTrue(row.getText().contains("ops"), "the caller is named: " + row.getText());
    }
    browser.screenshot("refusals");
    browser.get("/console/audit");
    assertTrue(browser.text("chain").contains("intact"), browser.text("chain"));
    assertEquals(SIGNED + 1, browser.driver.findElements(By.cssSelector("#audit tr.signed")).size(), "and the block");
    browser.screenshot("audit");
    // the approvals and policies pages are photographed by ConsoleApprovalsBrowserTest, with something on them
  }

  @Test
  @Order(4)
  void anIdentityCreatedAndRevokedOnThePageIsAuditedAndStopsWorking() throws Exception {
    browser.get("/console/identities");
    WebElement form = browser.driver.findElement(By.id("create-identity"));
    form.findElement(By.name("name")).sendKeys("teku-9");
    form.findElement(By.name("scopes")).sendKeys("validate");
    browser.clickAndWait(By.id("create"));
    String secret = browser.text("secret");
    assertEquals(200, tenants.call("GET", "/api/v1/eth2/publicKeys", secret, null).statusCode());

    browser.clickConfirmAndWait(By.cssSelector("tr[data-name=teku-9] button.revoke")); // console.js asks first
    assertEquals("Identity teku-9 revoked.", browser.text("message"));
    assertEquals("revoked", browser.driver.findElement(By.cssSelector("tr[data-name=teku-9] td.status")).getText());
    browser.screenshot("identities"); // after the revocation: the page no longer shows the secret
    assertEquals(401, tenants.call("GET", "/api/v1/eth2/publicKeys", secret, null).statusCode());
    String audit = tenants.call("GET", "/admin/v1/audit?rows=20", ops, null).body();
    assertTrue(audit.contains("identity teku-9 created") && audit.contains("identity teku-9 revoked"), audit);
    assertFalse(audit.contains(secret), "the secret is never audited");
  }

  @Test
  @Order(5)
  void aStateChangeWithoutASessionOrWithoutOrWithAStaleCsrfTokenIsRefused() {
    ConsoleHttpSession first = new ConsoleHttpSession(tenants.node.port());
    first.login(ops);
    String staleCsrf = first.csrf("/console/identities");
    ConsoleHttpSession second = new ConsoleHttpSession(tenants.node.port());
    second.login(ops);
    var create = ConsoleHttpSession.fields("name", "sneaky", "type", "token", "scopes", "admin");
    assertEquals(403, second.post("/console/identities", create).statusCode(), "no CSRF token");
    create.put("csrf", staleCsrf);
    assertEquals(403, second.post("/console/identities", create).statusCode(), "another session's token");
    assertEquals(401, new ConsoleHttpSession(tenants.node.port()).post("/console/identities", create).statusCode());
    assertFalse(tenants.call("GET", "/admin/v1/identities", ops, null).body().contains("sneaky"));
    create.put("csrf", second.csrf("/console/identities"));
    assertEquals(201, second.post("/console/identities", create).statusCode(), "the same form with its token");
  }

  @Test
  @Order(6)
  void anotherOperatorsSessionSeesAndChangesOnlyItsOwn() {
    ConsoleHttpSession opb = new ConsoleHttpSession(tenants.node.port());
    opb.login(opbAdmin);
    String keys = opb.get("/console/keys").body();
    assertTrue(keys.contains(opbKey) && !keys.contains(SigningApiTest.PUBKEY), keys);
    String identities = opb.get("/console/identities").body();
    assertTrue(identities.contains("data-name=\"opb-admin\"") && !identities.contains("data-name=\"ops\""));
    HttpResponse<String> revoke = opb.post("/console/identities/ops/revoke",
        ConsoleHttpSession.fields("csrf", opb.csrf("/console/identities")));
    assertEquals(404, revoke.statusCode(), revoke.body());
    assertEquals(200, tenants.call("GET", "/api/v1/eth2/publicKeys", ops, null).statusCode(), "ops still works");
  }

  @Test
  @Order(7)
  void sessionCookieAndSecurityHeadersAreStrictAndPagesHaveNoInlineScript() {
    ConsoleHttpSession session = new ConsoleHttpSession(tenants.node.port());
    session.login(ops);
    String flags = session.setCookie.toLowerCase(java.util.Locale.ROOT);
    assertTrue(flags.contains("httponly") && flags.contains("samesite=strict") && flags.contains("path=/console"),
        session.setCookie);
    assertFalse(flags.contains("secure"), "plaintext loopback listener: not Secure (it is under TLS)");
    Cookie inBrowser = browser.driver.manage().getCookieNamed("palisade_console");
    assertTrue(inBrowser.isHttpOnly() && "Strict".equals(inBrowser.getSameSite()), inBrowser.toString());
    for (String page : List.of("overview", "keys", "refusals", "audit", "identities", "approvals", "policies", "login")) {
      HttpResponse<String> answer = session.get("/console/" + page);
      assertEquals(200, answer.statusCode(), page);
      String csp = answer.headers().firstValue("Content-Security-Policy").orElseThrow();
      assertTrue(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'")
          && !csp.contains("unsafe"), csp);
      assertEquals("DENY", answer.headers().firstValue("X-Frame-Options").orElseThrow());
      assertEquals("nosniff", answer.headers().firstValue("X-Content-Type-Options").orElseThrow());
      String html = answer.body();
      assertFalse(html.matches("(?s).*<script(?![^>]*\\bsrc=)[^>]*>.*"), page + " has an inline script");
      assertFalse(html.matches("(?s).*\\son[a-z]+=.*") || html.contains("javascript:") || html.contains("style="),
          page + " has an inline handler or style");
    }
  }

  @Test
  @Order(8)
  void logoutEndsTheSession() {
    browser.get("/console/overview");
    String cookie = "palisade_console=" + browser.driver.manage().getCookieNamed("palisade_console").getValue();
    browser.clickAndWait(By.id("logout"));
    assertTrue(browser.driver.getCurrentUrl().endsWith("/console/login"), browser.driver.getCurrentUrl());
    ConsoleHttpSession replay = new ConsoleHttpSession(tenants.node.port());
    replay.cookie = cookie;
    HttpResponse<String> answer = replay.get("/console/overview");
    assertEquals(303, answer.statusCode());
    assertEquals("/console/login", answer.headers().firstValue("Location").orElseThrow());
  }
}
