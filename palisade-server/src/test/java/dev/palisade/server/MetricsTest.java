package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics on its own port serves every family the dashboard uses, after real signing traffic. */
class MetricsTest {
  @TempDir Path temp;

  @Test
  void scrapeAfterSigningFindsEveryFamily() throws Exception {
    NodeConfig config =
        new NodeConfig(
            new ServerConfig("127.0.0.1", 0, 64 * 1024, 4).withMetricsPort(0),
            Networks.named("mainnet"),
            temp,
            NodeConfig.SlashingConfig.embedded(),
            Optional.empty());
    try (PalisadeNode node = PalisadeNode.start(config)) {
      node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      HttpTestClient client = new HttpTestClient(node.port());
      String zero = "0x" + "00".repeat(32);
      assertEquals(200, client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, zero), null).statusCode());
      assertEquals(412, client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, "0x" + "01".repeat(32)), null).statusCode());
      assertEquals(400, client.sign(SigningApiTest.PUBKEY, "{", null).statusCode());

      assertTrue(node.metricsPort() > 0 && node.metricsPort() != node.port());
      System.gc(); // gauges must survive a collection (Micrometer holds their state weakly)
      HttpResponse<String> scrape =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.metricsPort() + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, scrape.statusCode());
      String body = scrape.body();
      for (String family :
          new String[] {
            "palisade_signing_duration_seconds_bucket{type=\"ATTESTATION\"",
            "palisade_signatures_total{type=\"ATTESTATION\"} 1.0",
            "palisade_signing_refusals_total{reason=\"attestation_double_vote\",type=\"ATTESTATION\"} 1.0",
            "palisade_signing_refusals_total{reason=\"bad_request\",type=\"unknown\"} 1.0",
            "palisade_slashing_check_duration_seconds_count 2",
            "palisade_slashing_store_round_trips_total",
            "palisade_slashing_store_commits_total",
            "palisade_signing_queue_depth",
            "palisade_signing_rejections_total 0.0",
            "palisade_keys_loaded{operator=\"default\"} 1.0",
            "palisade_vault_up 1.0",
            // the policy gate runs before anti-slashing: both attestations passed it, under no rule
            "palisade_policy_decisions_total{outcome=\"allow\",rule=\"none\"} 2.0",
            "palisade_approvals_pending 0.0",
            "jvm_memory_used_bytes"
          }) {
        assertTrue(body.contains(family), () -> "missing " + family + " in\n" + body);
      }
      assertTrue(!body.contains(SigningApiTest.SECRET.substring(2)), "no key material in metrics");
    }
  }
}
