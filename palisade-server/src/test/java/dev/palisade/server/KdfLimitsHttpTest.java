package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.Credential;
import dev.palisade.auth.NewIdentity;
import dev.palisade.eth2.Networks;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Keymanager import of a 1 GiB scrypt keystore is refused by its parameters, and the node signs on. */
class KdfLimitsHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  private static String vectorKeystore() throws Exception {
    return new String(KdfLimitsHttpTest.class
        .getResourceAsStream("/vectors/eip2335-keystores/erc2335_pbkdf2_test_vector.keystore.json")
        .readAllBytes(), StandardCharsets.UTF_8);
  }

  /** The keystore: scrypt n=2^20, r=8 (1 GiB); nothing after the kdf needs to be valid. */
  private static String oneGibScryptKeystore() throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(vectorKeystore());
    ObjectNode kdf = root.withObjectProperty("crypto").withObjectProperty("kdf");
    kdf.put("function", "scrypt");
    kdf.putObject("params").put("dklen", 32).put("n", 1 << 20).put("r", 8).put("p", 1).put("salt", "ab".repeat(32));
    return root.toString();
  }

  private static String importBody(String keystore, String password) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("keystores").add(keystore);
    body.putArray("passwords").add(password);
    return body.toString();
  }

  @Test
  void aOneGibScryptImportIsAnErrorNamingTheLimitAndTheNodeSignsOn() throws Exception {
    try (PalisadeNode node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp))) {
      node.addKeys(List.of());
      String token = node.access().store()
          .createIdentity(NewIdentity.of("km", "default", new Credential.BearerToken(), "keys:read,keys:write,validate"))
          .secret().orElseThrow().reveal();
      HttpTestClient client = new HttpTestClient(node.port());

      long started = System.nanoTime();
      HttpResponse<String> refused = client.send(keystores(node, token, importBody(oneGibScryptKeystore(), "pw")));
      long refusedMillis = (System.nanoTime() - started) / 1_000_000;
      assertEquals(200, refused.statusCode(), refused.body()); // the Keymanager API reports per key
      JsonNode status = JSON.readTree(refused.body()).get("data").get(0);
      assertEquals("error", status.get("status").asText(), refused.body());
      assertTrue(status.get("message").asText().contains(
          "scrypt memory 128*r*n = 1073741824 bytes (n=1048576, r=8) exceeds the limit of 268435456 bytes (256 MiB)"),
          refused.body());
      assertTrue(refusedMillis < 2000, "refused in " + refusedMillis + " ms");
      started = System.nanoTime(); // again, with a warm connection and JIT
      HttpResponse<String> again = client.send(keystores(node, token, importBody(oneGibScryptKeystore(), "pw")));
      long againMillis = (System.nanoTime() - started) / 1_000_000;
      assertEquals("error", JSON.readTree(again.body()).get("data").get(0).get("status").asText(), again.body());

      assertEquals(200, client.get("/upcheck").statusCode());
      assertEquals(200, client.get("/healthcheck").statusCode());
      HttpResponse<String> imported =
          client.send(keystores(node, token, importBody(vectorKeystore(), MainnetSigningVectorsHttpTest.KEYSTORE_PASSWORD)));
      assertEquals("imported", JSON.readTree(imported.body()).get("data").get(0).get("status").asText(), imported.body());
      assertEquals(200, client.sign(SigningApiTest.PUBKEY,
          SigningApiTest.attestation(40, 41, "0x" + "01".repeat(32)), null).statusCode(), "still signing");
      System.out.printf("1 GiB scrypt Keymanager import refused in %d ms (first), %d ms (second)%n",
          refusedMillis, againMillis);
    }
  }

  private static HttpRequest keystores(PalisadeNode node, String token, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/eth/v1/keystores"))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }
}
