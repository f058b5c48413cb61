package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.crypto.Bls;
import dev.palisade.crypto.BlsSignature;
import dev.palisade.crypto.KeystoreDirectoryLoader;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@code mainnet_signing_vectors.generated.json}, signed through the HTTP API of a
 * real server on loopback with the key loaded from the EIP-2335 test keystore; the exact signature
 * bytes must match the vector's.
 */
class MainnetSigningVectorsHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String KEYSTORE_PASSWORD = "\uD835\uDD31\uD835\uDD22\uD835\uDD30\uD835\uDD31\uD835\uDD2D\uD835\uDD1E\uD835\uDD30\uD835\uDD30\uD835\uDD34\uD835\uDD2C\uD835\uDD2F\uD835\uDD21\uD83D\uDD11";

  @TempDir static Path temp;
  private static PalisadeNode node;
  private static HttpTestClient client;
  private static JsonNode vectors;

  @BeforeAll
  static void startNode() throws IOException {
    vectors = readResource("/vectors/signing/mainnet_signing_vectors.generated.json");
    Path keystores = Files.createDirectories(temp.resolve("keystores"));
    copyResource("/vectors/eip2335-keystores/erc2335_pbkdf2_test_vector.keystore.json", keystores.resolve("validator.json"));
    Path passwordFile = temp.resolve("password.txt");
    Files.writeString(passwordFile, KEYSTORE_PASSWORD + "\n", StandardCharsets.UTF_8);
    KeystoreDirectoryLoader.Result loaded =
        new NodeConfig.KeystoreSource(keystores, Optional.empty(), Optional.of(passwordFile)).load();
    assertTrue(loaded.errors().isEmpty(), () -> "keystore errors: " + loaded.errors());

    node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp.resolve("data")));
    assertEquals(1, node.addKeys(loaded.secretKeys()));
    client = HttpTestClient.everySigningScope(node);
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  /**
   * Blocks and attestations go through slashing protection, so they are sent in increasing
   * slot/target order, as a validator client would: every vector is a fresh duty.
   */
  static Stream<Arguments> vectors() throws IOException {
    JsonNode all = readResource("/vectors/signing/mainnet_signing_vectors.generated.json").get("vectors");
    List<JsonNode> cases = new ArrayList<>();
    all.forEach(cases::add);
    cases.sort(Comparator.comparing(MainnetSigningVectorsHttpTest::dutyOrder));
    return cases.stream().map(vector -> Arguments.of(vector.get("name").asText(), vector));
  }

  private static Long dutyOrder(JsonNode vector) {
    JsonNode request = vector.get("request");
    if (request.has("attestation")) {
      return request.get("attestation").get("target").get("epoch").asLong() * 32;
    }
    JsonNode block = request.has("block") ? request.get("block") : request.path("beacon_block");
    JsonNode slot = block.has("slot") ? block.get("slot") : block.path("block").has("slot")
        ? block.path("block").get("slot") : block.path("block_header").path("slot");
    return slot.isMissingNode() ? 0L : slot.asLong();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void signsExactlyAsTheVector(String name, JsonNode vector) {
    String pubkey = vectors.get("key").get("pubkey").asText();
    HttpResponse<String> response = client.sign(pubkey, vector.get("request").toString(), "application/json");

    assertEquals(200, response.statusCode(), () -> name + ": " + response.body());
    String signature = readJson(response.body()).get("signature").asText();
    assertEquals(vector.get("signature").asText(), signature, name);
    // and an independent check: the signature verifies over the vector's signing root
    assertTrue(
        Bls.verify(
            BlsPublicKey.fromHex(pubkey),
            Hex.decode(vector.get("signing_root").asText()),
            BlsSignature.fromHex(signature)),
        name);
  }

  @Test
  void signingRootInTheBodyIsAcceptedWhenItMatches() {
    JsonNode vector = vectors.get("vectors").get(0);
    for (JsonNode candidate : vectors.get("vectors")) {
      if (candidate.get("request").get("type").asText().equals("RANDAO_REVEAL")) {
        vector = candidate;
        break;
      }
    }
    var body = (com.fasterxml.jackson.databind.node.ObjectNode) vector.get("request").deepCopy();
    body.put("signingRoot", vector.get("signing_root").asText());
    HttpResponse<String> response = client.sign(vectors.get("key").get("pubkey").asText(), body.toString(), null);
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(vector.get("signature").asText(), response.body());
  }

  static JsonNode readJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  static JsonNode readResource(String name) throws IOException {
    try (InputStream in = MainnetSigningVectorsHttpTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return JSON.readTree(in);
    }
  }

  static void copyResource(String name, Path target) throws IOException {
    try (InputStream in = MainnetSigningVectorsHttpTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      Files.copy(in, target);
    }
  }
}
