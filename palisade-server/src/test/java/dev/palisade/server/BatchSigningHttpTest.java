package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /api/v1/eth2/sign/batch: each item answered as the single request would be, nothing more recorded. */
class BatchSigningHttpTest {
  private static final String ZERO = "0x" + "00".repeat(32);
  private static final String ONES = "0x" + "11".repeat(32);
  private static final String UNKNOWN = "0x" + "ab".repeat(48);

  @TempDir Path temp;
  private PalisadeNode node;
  private HttpTestClient client;

  @BeforeEach
  void start() {
    node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp.resolve("data")));
    node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
    client = new HttpTestClient(node.port()); // the loopback identity: validate, keys:read
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void mixedItemsAreAnsweredOneByOneInOrder() throws Exception {
    assertEquals(200, client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, ZERO), "text/plain").statusCode());
    String batch = "[" + String.join(",",
        item(SigningApiTest.PUBKEY, SigningApiTest.attestation(2, 3, ZERO)), // ok
        item(SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, ONES)), // double vote
        item(UNKNOWN, SigningApiTest.attestation(2, 3, ZERO)), // no such key
        item(SigningApiTest.PUBKEY, "{\"type\":\"NOPE\"}"), // undecodable request
        "42", // not an item
        "{\"identifier\":\"" + SigningApiTest.PUBKEY + "\"}", // no request
        item(SigningApiTest.PUBKEY, TenantNode.exit()), // scope the caller lacks
        item("not-a-key", SigningApiTest.attestation(3, 4, ZERO))) + "]";

    HttpResponse<String> response = post(batch);

    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode answers = TenantNode.read(response.body());
    assertEquals(8, answers.size(), response.body());
    int[] expected = {200, 412, 404, 400, 400, 400, 403, 400};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], answers.get(i).get("status").asInt(), "item " + i + ": " + answers.get(i));
    }
    // items run concurrently: refused as a double vote, or below the watermark if item 0 recorded first
    assertTrue(Set.of("attestation_double_vote", "attestation_below_watermark")
        .contains(answers.get(1).get("error").get("rule").asText()), answers.get(1).toString());
    assertEquals("request", answers.get(5).get("error").get("field").asText());
    // the same signature a single request gives (an identical re-sign of the recorded message)
    String single = client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(2, 3, ZERO), "text/plain").body();
    assertEquals(single, answers.get(0).get("signature").asText());
    assertEquals(Set.of("1-2", "2-3"), recordedAttestations(), "only the allowed item was recorded");
  }

  @Test
  void aBadBatchIsRefusedWholeAndRecordsNothing() throws Exception {
    String one = item(SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, ZERO));
    // one good item first, then bad ones: 1025 items in all; small, to stay under the test node's body limit
    String tooMany = "[" + one + "," + String.join(",", java.util.Collections.nCopies(BatchSigning.MAX_ITEMS, "{}")) + "]";
    for (String body : List.of(tooMany, "{}", "[" + one + ",", "[" + one + "] []")) {
      HttpResponse<String> response = post(body);
      assertEquals(400, response.statusCode(), response.body());
    }
    assertEquals(Set.of(), recordedAttestations());
    assertEquals("[]", post("[]").body());
  }

  private static String item(String identifier, String request) {
    return "{\"identifier\":\"" + identifier + "\",\"request\":" + request + "}";
  }

  private HttpResponse<String> post(String body) {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/api/v1/eth2/sign/batch"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build());
  }

  private Set<String> recordedAttestations() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    node.slashingProtection().exportInterchange(out, List.of());
    JsonNode data = TenantNode.read(out.toString(java.nio.charset.StandardCharsets.UTF_8)).get("data");
    Set<String> recorded = new java.util.TreeSet<>();
    for (JsonNode validator : data) {
      for (JsonNode a : validator.get("signed_attestations")) {
        recorded.add(a.get("source_epoch").asText() + "-" + a.get("target_epoch").asText());
      }
    }
    return recorded;
  }
}
