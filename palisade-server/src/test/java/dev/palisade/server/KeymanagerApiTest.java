package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.Credential;
import dev.palisade.auth.NewIdentity;
import dev.palisade.crypto.Bls;
import dev.palisade.crypto.BlsSignature;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Networks;
import dev.palisade.eth2.signing.SigningRequestDecoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /eth/v1/keystores: every status, imports with slashing data, and a DELETE racing signatures. */
class KeymanagerApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;
  private PalisadeNode node;
  private String token;
  private String keystore;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp));
    node.addKeys(List.of());
    token = node.access().store()
        .createIdentity(NewIdentity.of("km", "default", new Credential.BearerToken(), "keys:read,keys:write,validate"))
        .secret().orElseThrow().reveal();
    keystore = new String(getClass().getResourceAsStream("/vectors/eip2335-keystores/erc2335_pbkdf2_test_vector.keystore.json")
        .readAllBytes(), StandardCharsets.UTF_8);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private JsonNode call(String method, String body, int expectedStatus) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/eth/v1/keystores"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(expectedStatus, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  private String importBody(String password, String slashingProtection) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("keystores").add(keystore);
    body.putArray("passwords").add(password);
    if (slashingProtection != null) {
      body.put("slashing_protection", slashingProtection);
    }
    return body.toString();
  }

  private static String deleteBody(String... keys) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode array = body.putArray("pubkeys");
    for (String key : keys) {
      array.add(key);
    }
    return body.toString();
  }

  private static String interchange(String gvr, long target) {
    return """
        {"metadata":{"interchange_format_version":"5","genesis_validators_root":"%s"},
         "data":[{"pubkey":"%s","signed_blocks":[],
                  "signed_attestations":[{"source_epoch":"%d","target_epoch":"%d"}]}]}
        """.formatted(gvr, SigningApiTest.PUBKEY, target - 1, target);
  }

  @Test
  void everyStatus() throws Exception {
    assertEquals("error", call("POST", importBody("wrong password", null), 200).get("data").get(0).get("status").asText());
    assertEquals(0, call("GET", null, 200).get("data").size(), "a failed import imports nothing");

    JsonNode imported = call("POST", importBody(MainnetSigningVectorsHttpTest.KEYSTORE_PASSWORD, interchange(SigningApiTest.GVR, 40)), 200);
    assertEquals("imported", imported.get("data").get(0).get("status").asText(), imported.toString());
    JsonNode listed = call("GET", null, 200);
    assertEquals(SigningApiTest.PUBKEY, listed.get("data").get(0).get("validating_pubkey").asText());
    assertFalse(listed.get("data").get(0).get("readonly").asBoolean());

    HttpTestClient signer = new HttpTestClient(node.port());
    assertEquals(412, signer.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(39, 40, "0x" + "01".repeat(32)), null).statusCode(),
        "the imported history protects at once");
    assertEquals(200, signer.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(40, 41, "0x" + "01".repeat(32)), null).statusCode());

    assertEquals("duplicate", call("POST", importBody(MainnetSigningVectorsHttpTest.KEYSTORE_PASSWORD, null), 200)
        .get("data").get(0).get("status").asText());

    JsonNode deleted = call("DELETE", deleteBody(SigningApiTest.PUBKEY, "0x" + "ab".repeat(48)), 200);
    assertEquals("deleted", deleted.get("data").get(0).get("status").asText());
    assertEquals("not_found", deleted.get("data").get(1).get("status").asText());
    JsonNode history = JSON.readTree(deleted.get("slashing_protection").asText());
    assertEquals("41", history.get("data").get(0).get("signed_attestations").findValues("target_epoch").stream()
        .map(JsonNode::asText).max(java.util.Comparator.comparingLong(Long::parseLong)).orElseThrow());
    assertEquals(404, signer.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(41, 42, "0x" + "01".repeat(32)), null).statusCode());

    assertEquals("not_active", call("DELETE", deleteBody(SigningApiTest.PUBKEY), 200).get("data").get(0).get("status").asText());

    call("POST", "{\"keystores\":[\"x\"],\"passwords\":[]}", 400);
    call("POST", "{not json", 400);
  }

  @Test
  void anImportWhoseSlashingDataIsForAnotherNetworkImportsNothing() throws Exception {
    JsonNode result = call("POST", importBody(MainnetSigningVectorsHttpTest.KEYSTORE_PASSWORD, interchange("0x" + "77".repeat(32), 5)), 200);
    assertEquals("error", result.get("data").get(0).get("status").asText());
    assertTrue(result.get("data").get(0).get("message").asText().contains("slashing"), result.toString());
    assertEquals(0, call("GET", null, 200).get("data").size());
  }

  @Test
  void aDeleteRacingSignaturesNeverLetsASignatureEscapeTheExportedHistory() throws Exception {
    call("POST", importBody(MainnetSigningVectorsHttpTest.KEYSTORE_PASSWORD, null), 200);
    HttpTestClient signer = new HttpTestClient(node.port());
    SigningRequestDecoder decoder = new SigningRequestDecoder();
    AtomicBoolean deleting = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<List<long[]>>> workers = new ArrayList<>();
    java.util.concurrent.atomic.AtomicLong nextTarget = new java.util.concurrent.atomic.AtomicLong(100);
    for (int w = 0; w < 4; w++) {
      workers.add(pool.submit(() -> {
        List<long[]> signed = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          long target = nextTarget.incrementAndGet();
          String body = SigningApiTest.attestation(target - 1, target, "0x" + "00".repeat(32));
          HttpResponse<String> response = signer.sign(SigningApiTest.PUBKEY, body, null);
          if (response.statusCode() == 200) {
            boolean valid = Bls.verify(BlsPublicKey.fromHex(SigningApiTest.PUBKEY),
                decoder.decode(body.getBytes(StandardCharsets.UTF_8)).signingRoot(Networks.named("mainnet")).toArray(),
                BlsSignature.fromHex(response.body()));
            assertTrue(valid, "a signature made while the key was being removed still verifies");
            signed.add(new long[] {target});
          } else if (deleting.get()) {
            assertTrue(response.statusCode() == 404 || response.statusCode() == 412, response.body());
          }
        }
        return signed;
      }));
    }
    Thread.sleep(150);
    deleting.set(true);
    JsonNode deleted = call("DELETE", deleteBody(SigningApiTest.PUBKEY), 200);
    assertEquals("deleted", deleted.get("data").get(0).get("status").asText());
    long highestSigned = 0;
    for (Future<List<long[]>> worker : workers) {
      for (long[] target : worker.get()) {
        highestSigned = Math.max(highestSigned, target[0]);
      }
    }
    pool.shutdown();
    JsonNode history = JSON.readTree(deleted.get("slashing_protection").asText());
    long highestExported = history.get("data").get(0).get("signed_attestations").findValues("target_epoch").stream()
        .mapToLong(JsonNode::asLong).max().orElse(0);
    assertTrue(highestSigned > 100, "some signatures were made before the delete");
    assertTrue(highestExported >= highestSigned,
        "every signature is covered by the exported history: signed " + highestSigned + ", exported " + highestExported);
  }
}
