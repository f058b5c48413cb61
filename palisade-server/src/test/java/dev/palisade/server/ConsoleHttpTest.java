package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console without a browser: scopes, revocation and request limits. */
class ConsoleHttpTest {
  @TempDir Path temp;

  @Test
  void aSessionSeesOnlyWhatItsScopesAllowAndEndsWhenItsIdentityIsRevoked() {
    try (TenantNode tenants = TenantNode.start(temp, null)) {
      tenants.node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      String admin = tenants.identity("ops", "default", "admin");
      String reader = tenants.identity("reader", "default", "keys:read");
      ConsoleHttpSession session = new ConsoleHttpSession(tenants.node.port());
      assertEquals(303, session.login(reader).statusCode());

      String keys = session.get("/console/keys").body();
      assertTrue(keys.contains(SigningApiTest.PUBKEY), "keys:read lists the keys");
      assertTrue(keys.contains("class=\"denied\">Refusals per key:"), "the admin-only column says why it is empty");
      String audit = session.get("/console/audit").body();
      assertFalse(audit.contains("id=\"audit\""), "no audit rows without admin");
      assertTrue(audit.contains("class=\"denied\""), audit);
      HttpResponse<String> create = session.post("/console/identities", ConsoleHttpSession.fields(
          "csrf", session.csrf("/console/overview"), "name", "x", "type", "token", "scopes", "validate"));
      assertEquals(403, create.statusCode(), "the admin API's own refusal");
      assertFalse(tenants.call("GET", "/admin/v1/identities", admin, null).body().contains("\"x\""));

      assertEquals(200, tenants.call("DELETE", "/admin/v1/identities/reader", admin, null).statusCode());
      HttpResponse<String> after = session.get("/console/keys");
      assertEquals(303, after.statusCode(), "a revoked identity's session ends");
      assertEquals("/console/login", after.headers().firstValue("Location").orElseThrow());
    }
  }

  @Test
  void onlySmallFormPostsAreRead() throws Exception {
    try (TenantNode tenants = TenantNode.start(temp, null)) {
      String admin = tenants.identity("ops", "default", "admin");
      ConsoleHttpSession session = new ConsoleHttpSession(tenants.node.port());
      session.login(admin);
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + tenants.node.port();
      HttpResponse<String> json = client.send(HttpRequest.newBuilder(URI.create(base + "/console/identities"))
          .header("Cookie", session.cookie).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(415, json.statusCode());
      HttpResponse<String> large = client.send(HttpRequest.newBuilder(URI.create(base + "/console/login"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("token=" + "a".repeat(4096))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(413, large.statusCode());
      assertTrue(large.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
      assertTrue(large.headers().firstValue("Content-Security-Policy").isPresent(), "errors carry the headers too");
    }
  }
}
