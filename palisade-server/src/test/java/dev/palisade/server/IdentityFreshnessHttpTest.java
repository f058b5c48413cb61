package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity refresh stops (its thread died of OutOfMemoryError once): authentication fails
 * closed with 503, and {@code /healthcheck} says so instead of UP.
 */
class IdentityFreshnessHttpTest {
  @TempDir Path temp;

  @Test
  void healthIsDownWhileAuthenticationFailsClosed() throws Exception {
    try (PalisadeNode node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp.resolve("data")))) {
      node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      HttpTestClient client = new HttpTestClient(node.port());
      assertEquals(200, client.get("/healthcheck").statusCode());

      node.access().store().close(); // the poller stops, as if its thread had died

      HttpResponse<String> signing;
      long deadline = System.nanoTime() + 20_000_000_000L;
      do {
        Thread.sleep(250);
        signing = client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, "0x" + "00".repeat(32)), "application/json");
      } while (signing.statusCode() != 503 && System.nanoTime() < deadline);
      assertEquals(503, signing.statusCode(), signing.body());

      HttpResponse<String> health = client.get("/healthcheck");
      assertEquals(503, health.statusCode(), health.body());
      JsonNode identities = null;
      for (JsonNode check : MainnetSigningVectorsHttpTest.readJson(health.body()).get("checks")) {
        if (check.get("id").asText().equals("identity-store")) {
          identities = check;
        }
      }
      assertEquals("DOWN", identities == null ? "absent" : identities.get("status").asText(), health.body());
    }
  }
}
