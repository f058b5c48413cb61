package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.Credential;
import dev.palisade.auth.NewIdentity;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import dev.palisade.server.access.AccessControl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API under the admin scope: create an identity, use it, list, revoke, read the audit log. */
class AdminApiHttpTest {
  @TempDir Path temp;

  @Test
  void adminManagesIdentitiesAndOthersCannot() throws Exception {
    NodeConfig config = new NodeConfig(new ServerConfig("127.0.0.1", 0, 64 * 1024, 4), Networks.named("mainnet"),
        temp, NodeConfig.SlashingConfig.embedded(), Optional.empty(), new NodeConfig.AccessConfig(Optional.empty(), false));
    try (PalisadeNode node = PalisadeNode.start(config)) {
      node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      String admin = node.access().store()
          .createIdentity(NewIdentity.of("root", "default", new Credential.BearerToken(), "admin"))
          .secret().orElseThrow().reveal();
      String validator = node.access().store()
          .createIdentity(NewIdentity.of("vc", "default", new Credential.BearerToken(), "validate"))
          .secret().orElseThrow().reveal();
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + node.port();

      HttpResponse<String> forbidden = client.send(HttpRequest.newBuilder(URI.create(base + "/admin/v1/identities"))
          .header("Authorization", "Bearer " + validator).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(403, forbidden.statusCode(), forbidden.body());
      assertTrue(forbidden.body().contains("admin"), forbidden.body());
      assertEquals(401, client.send(HttpRequest.newBuilder(URI.create(base + "/admin/v1/identities")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());

      HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(base + "/admin/v1/identities"))
          .header("Authorization", "Bearer " + admin)
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"name\":\"teku-1\",\"type\":\"token\",\"operator\":\"default\",\"scopes\":\"validate\"}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(201, created.statusCode(), created.body());
      String secret = MainnetSigningVectorsHttpTest.readJson(created.body()).get("secret").asText();
      HttpTestClient signer = new HttpTestClient(node.port());
      HttpRequest sign = HttpRequest.newBuilder(URI.create(base + "/api/v1/eth2/sign/" + SigningApiTest.PUBKEY))
          .header("Authorization", "Bearer " + secret)
          .POST(HttpRequest.BodyPublishers.ofString(SigningApiTest.attestation(1, 2, "0x" + "00".repeat(32)))).build();
      assertEquals(200, signer.send(sign).statusCode());

      HttpResponse<String> duplicate = client.send(HttpRequest.newBuilder(URI.create(base + "/admin/v1/identities"))
          .header("Authorization", "Bearer " + admin)
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"name\":\"teku-1\",\"type\":\"token\",\"operator\":\"default\",\"scopes\":\"validate\"}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(409, duplicate.statusCode(), duplicate.body());
      HttpResponse<String> badScope = client.send(HttpRequest.newBuilder(URI.create(base + "/admin/v1/identities"))
          .header("Authorization", "Bearer " + admin)
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"name\":\"x\",\"type\":\"token\",\"operator\":\"default\",\"scopes\":\"sign:everything\"}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(400, badScope.statusCode(), badScope.body());

      HttpResponse<String> listed = client.send(HttpRequest.newBuilder(URI.create(base + "/admin/v1/identities"))
          .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, listed.statusCode());
      assertTrue(listed.body().contains("teku-1"));
      assertFalse(listed.body().contains(secret), "secrets are never listed");

      HttpResponse<String> revoked = client.send(HttpRequest.newBuilder(URI.create(base + "/admin/v1/identities/teku-1"))
          .header("Authorization", "Bearer " + admin).DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, revoked.statusCode(), revoked.body());
      long deadline = System.currentTimeMillis() + 2_000;
      int status = 200;
      while (status != 401 && System.currentTimeMillis() < deadline) {
        status = signer.send(sign).statusCode();
      }
      assertEquals(401, status);

      long auditDeadline = System.currentTimeMillis() + 10_000;
      JsonNode verify;
      do {
        verify = MainnetSigningVectorsHttpTest.readJson(client.send(
            HttpRequest.newBuilder(URI.create(base + "/admin/v1/audit/verify")).header("Authorization", "Bearer " + admin).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        Thread.sleep(50);
      } while (verify.get("rows_checked").asLong() < 3 && System.currentTimeMillis() < auditDeadline);
      assertTrue(verify.get("intact").asBoolean(), verify.toString());
      // the admin 401, the signature and at least one 401 after the revocation
      assertTrue(verify.get("rows_checked").asLong() >= 3, verify.toString());
    }
  }
}
