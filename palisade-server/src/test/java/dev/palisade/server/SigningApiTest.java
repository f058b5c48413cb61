package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Web3Signer API's behaviour around signing: negotiation, identifiers, statuses, health. */
class SigningApiTest {
  static final String SECRET = "0x000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
  static final String PUBKEY =
      "0x9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07";
  static final String GVR = "0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95";

  @TempDir static Path temp;
  private static PalisadeNode node;
  private static HttpTestClient client;
  private static JsonNode randao;

  @BeforeAll
  static void startNode() throws IOException {
    node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp.resolve("data")));
    node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SECRET))));
    client = new HttpTestClient(node.port());
    JsonNode vectors =
        MainnetSigningVectorsHttpTest.readResource("/vectors/signing/mainnet_signing_vectors.generated.json");
    for (JsonNode vector : vectors.get("vectors")) {
      if (vector.get("request").get("type").asText().equals("RANDAO_REVEAL")) {
        randao = vector;
        break;
      }
    }
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  private static String randaoBody() {
    return randao.get("request").toString();
  }

  private static String expectedSignature() {
    return randao.get("signature").asText();
  }

  @ParameterizedTest(name = "Accept: {0}")
  @CsvSource(
      value = {
        "application/json|json",
        "*/*|json",
        "text/plain, application/json;q=0.5|json",
        "APPLICATION/JSON|json",
        "text/plain|text",
        "<none>|text"
      },
      delimiter = '|')
  void negotiatesTheResponseFormatLikeWeb3Signer(String accept, String expected) {
    HttpResponse<String> response = client.sign(PUBKEY, randaoBody(), accept.equals("<none>") ? null : accept);
    assertEquals(200, response.statusCode(), response.body());
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    if (expected.equals("json")) {
      assertTrue(contentType.startsWith("application/json"), contentType);
      assertEquals(expectedSignature(), MainnetSigningVectorsHttpTest.readJson(response.body()).get("signature").asText());
    } else {
      assertTrue(contentType.startsWith("text/plain"), contentType);
      assertEquals(expectedSignature(), response.body());
    }
  }

  @Test
  void acceptsTheIdentifierWithoutPrefixAndInAnyCase() {
    String bare = PUBKEY.substring(2).toUpperCase(Locale.ROOT);
    HttpResponse<String> response = client.sign(bare, randaoBody(), "text/plain");
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(expectedSignature(), response.body());
  }

  @Test
  void unknownKeyIs404() {
    String other = "0x" + "a".repeat(96);
    HttpResponse<String> response = client.sign(other, randaoBody(), "application/json");
    assertEquals(404, response.statusCode());
    assertTrue(response.body().contains("no key loaded"), response.body());
  }

  @Test
  void mismatchedSigningRootIs400AndSaysSo() {
    ObjectNode body = (ObjectNode) randao.get("request").deepCopy();
    body.put("signing_root", "0x" + "11".repeat(32));
    HttpResponse<String> response = client.sign(PUBKEY, body.toString(), "application/json");
    assertEquals(400, response.statusCode());
    JsonNode error = MainnetSigningVectorsHttpTest.readJson(response.body());
    assertEquals("signingRoot", error.get("field").asText());
    assertTrue(error.get("message").asText().contains("does not match"), response.body());
  }

  @Test
  void bodyOverTheLimitIs413() {
    String huge = "{\"type\":\"RANDAO_REVEAL\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";
    HttpResponse<String> response = client.sign(PUBKEY, huge, "application/json");
    assertEquals(413, response.statusCode());
    assertTrue(response.body().contains("larger than the limit"), response.body());
  }

  @Test
  void aConflictingAttestationIsRefusedWith412NamingTheRule() {
    String first = attestation(5, 6, "0x" + "01".repeat(32));
    String conflicting = attestation(5, 6, "0x" + "02".repeat(32));
    HttpResponse<String> signed = client.sign(PUBKEY, first, "application/json");
    assertEquals(200, signed.statusCode(), signed.body());
    HttpResponse<String> again = client.sign(PUBKEY, first, "application/json");
    assertEquals(200, again.statusCode(), "an identical re-sign is allowed");
    assertEquals(signed.body(), again.body(), "and returns the same signature");

    HttpResponse<String> refused = client.sign(PUBKEY, conflicting, "application/json");
    assertEquals(412, refused.statusCode(), refused.body());
    JsonNode error = MainnetSigningVectorsHttpTest.readJson(refused.body());
    assertFalse(error.get("rule").asText().isBlank(), refused.body());
    assertFalse(error.get("message").asText().isBlank(), refused.body());
  }

  @Test
  void anotherNetworksAttestationIsRefusedWith412() {
    String hoodiStyle = attestation(30, 31, "0x" + "03".repeat(32)).replace(GVR, "0x" + "21".repeat(32));
    HttpResponse<String> refused = client.sign(PUBKEY, hoodiStyle, "application/json");
    assertEquals(412, refused.statusCode(), refused.body());
    assertEquals(
        "genesis_validators_root_mismatch",
        MainnetSigningVectorsHttpTest.readJson(refused.body()).get("rule").asText());
  }

  static String attestation(long source, long target, String blockRoot) {
    return """
        {"type":"ATTESTATION",
         "fork_info":{"fork":{"previous_version":"0x00000000","current_version":"0x00000000","epoch":"0"},
                      "genesis_validators_root":"%s"},
         "attestation":{"slot":"%d","index":"0","beacon_block_root":"%s",
                        "source":{"epoch":"%d","root":"0x%s"},
                        "target":{"epoch":"%d","root":"0x%s"}}}
        """
        .formatted(GVR, target * 32, blockRoot, source, "00".repeat(32), target, "00".repeat(32));
  }

  @Test
  void listsPublicKeysAsABareArray() {
    HttpResponse<String> response = client.get("/api/v1/eth2/publicKeys");
    assertEquals(200, response.statusCode());
    assertEquals("[\"" + PUBKEY + "\"]", response.body());
  }

  @Test
  void upcheckSaysOk() {
    HttpResponse<String> response = client.get("/upcheck");
    assertEquals(200, response.statusCode());
    assertEquals("OK", response.body());
  }

  @Test
  void healthcheckIsUpWithKeysAndStore() {
    HttpResponse<String> response = client.get("/healthcheck");
    assertEquals(200, response.statusCode(), response.body());
    JsonNode health = MainnetSigningVectorsHttpTest.readJson(response.body());
    assertEquals("UP", health.get("status").asText());
    assertEquals(4, health.get("checks").size(), response.body()); // workers, identities, keys, slashing store
  }

  @Test
  void unknownPathIs404() {
    assertEquals(404, client.get("/api/v1/eth2/nothing-here").statusCode());
  }
}
