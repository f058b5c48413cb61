package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed requests get a 4xx with a message that says what is wrong, and the server keeps serving. */
class BadInputHttpTest {
  private static final String ZERO32 = "0x" + "00".repeat(32);
  private static final String FORK_INFO =
      "{\"fork\":{\"previous_version\":\"0x00000000\",\"current_version\":\"0x00000000\",\"epoch\":\"0\"},"
          + "\"genesis_validators_root\":\"" + SigningApiTest.GVR + "\"}";

  @TempDir static Path temp;
  private static PalisadeNode node;
  private static HttpTestClient client;

  @BeforeAll
  static void startNode() {
    node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp.resolve("data")));
    node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
    client = new HttpTestClient(node.port());
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  private static String attestation(String slot, String root, String sourceEpoch) {
    return "{\"type\":\"ATTESTATION\",\"fork_info\":" + FORK_INFO + ",\"attestation\":{\"slot\":" + slot
        + ",\"index\":\"0\",\"beacon_block_root\":\"" + root + "\",\"source\":{\"epoch\":" + sourceEpoch
        + ",\"root\":\"" + ZERO32 + "\"},\"target\":{\"epoch\":\"3\",\"root\":\"" + ZERO32 + "\"}}}";
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        Arguments.of("empty body", ""),
        Arguments.of("not JSON", "hello"),
        Arguments.of("truncated JSON", attestation("\"96\"", ZERO32, "\"2\"").substring(0, 80)),
        Arguments.of("JSON array", "[]"),
        Arguments.of("JSON null", "null"),
        Arguments.of("missing type", "{\"fork_info\":" + FORK_INFO + "}"),
        Arguments.of("unknown type", "{\"type\":\"STEAL_KEYS\",\"fork_info\":" + FORK_INFO + "}"),
        Arguments.of("type of wrong JSON type", "{\"type\":5}"),
        Arguments.of("missing fork_info", "{\"type\":\"RANDAO_REVEAL\",\"randao_reveal\":{\"epoch\":\"3\"}}"),
        Arguments.of("fork_info of wrong type", "{\"type\":\"RANDAO_REVEAL\",\"fork_info\":7,\"randao_reveal\":{\"epoch\":\"3\"}}"),
        Arguments.of("missing payload", "{\"type\":\"ATTESTATION\",\"fork_info\":" + FORK_INFO + "}"),
        Arguments.of("payload of wrong type", "{\"type\":\"ATTESTATION\",\"fork_info\":" + FORK_INFO + ",\"attestation\":\"x\"}"),
        Arguments.of("BLOCK_V2 without block", "{\"type\":\"BLOCK_V2\",\"fork_info\":" + FORK_INFO + ",\"beacon_block\":{\"version\":\"DENEB\"}}"),
        Arguments.of("boolean slot", attestation("true", ZERO32, "\"2\"")),
        Arguments.of("uint64 string of 2^64", attestation("\"18446744073709551616\"", ZERO32, "\"2\"")),
        Arguments.of("uint64 number of 2^64", attestation("18446744073709551616", ZERO32, "\"2\"")),
        Arguments.of("negative uint64", attestation("\"-1\"", ZERO32, "\"2\"")),
        Arguments.of("fractional uint64", attestation("1.5", ZERO32, "\"2\"")),
        Arguments.of("uint64 not digits", attestation("\"12abc\"", ZERO32, "\"2\"")),
        Arguments.of("root of 31 bytes", attestation("\"96\"", "0x" + "00".repeat(31), "\"2\"")),
        Arguments.of("root of 33 bytes", attestation("\"96\"", "0x" + "00".repeat(33), "\"2\"")),
        Arguments.of("root not hex", attestation("\"96\"", "0x" + "zz".repeat(32), "\"2\"")),
        Arguments.of("source after target", attestation("\"96\"", ZERO32, "\"4\"")),
        Arguments.of("deep nesting", "{\"type\":\"ATTESTATION\",\"attestation\":" + "[".repeat(5000) + "]".repeat(5000) + "}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void badBodyIs4xxWithAMessage(String name, String body) {
    HttpResponse<String> response = client.sign(SigningApiTest.PUBKEY, body, "application/json");
    int status = response.statusCode();
    assertTrue(status == 400 || status == 412, name + " gave " + status + ": " + response.body());
    JsonNode error = MainnetSigningVectorsHttpTest.readJson(response.body());
    assertFalse(error.path("message").asText().isBlank(), name + ": " + response.body());
    assertFalse(response.body().contains("Exception"), "no exception names in error bodies: " + response.body());
    assertFalse(response.body().contains("\tat "), "no stack traces: " + response.body());
  }

  @ParameterizedTest(name = "identifier {0}")
  @MethodSource("badIdentifiers")
  void badIdentifierIs400(String identifier) {
    HttpResponse<String> response =
        client.sign(identifier, attestation("\"96\"", ZERO32, "\"2\""), "application/json");
    assertEquals(400, response.statusCode(), response.body());
    assertEquals("identifier", MainnetSigningVectorsHttpTest.readJson(response.body()).get("field").asText());
  }

  static Stream<String> badIdentifiers() {
    return Stream.of("0x1234", "0x" + "ab".repeat(47), "0x" + "ab".repeat(49), "0x" + "zz".repeat(48), "nothex");
  }

  /** Seeded mutations of a valid body: whatever the bytes, the answer is 200 or a 4xx, never a 5xx. */
  @Test
  void randomMutationsNeverCauseA5xx() {
    Random random = new Random(20261125L);
    byte[] valid = attestation("\"96\"", ZERO32, "\"2\"").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < 300; i++) {
      byte[] mutated = valid.clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        mutated[random.nextInt(mutated.length)] = (byte) (32 + random.nextInt(95));
      }
      String body = new String(mutated, java.nio.charset.StandardCharsets.UTF_8);
      int status = client.sign(SigningApiTest.PUBKEY, body, "application/json").statusCode();
      assertTrue(status == 200 || (status >= 400 && status < 500), "mutation gave " + status + ": " + body);
    }
  }

  @Test
  void theServerKeepsServingAfterBadInput() {
    for (Arguments arguments : badBodies().toList()) {
      client.sign(SigningApiTest.PUBKEY, (String) arguments.get()[1], "application/json");
    }
    HttpResponse<String> response =
        client.sign(SigningApiTest.PUBKEY, attestation("\"320\"", ZERO32, "\"9\"").replace("\"3\"", "\"10\""), "application/json");
    assertEquals(200, response.statusCode(), response.body());
  }
}
