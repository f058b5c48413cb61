package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.crypto.Bls;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.BlsSignature;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.Networks;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The published Web3Signer and remote-signing-api examples whose signing roots were reproduced
 * independently: sent through HTTP with their published {@code signingRoot}, which the server only
 * accepts if it recomputes the same root; the returned signature must verify over that root.
 * The examples use a minimal-preset test network with fork versions {@code 0x..000001}.
 */
class PublishedExamplesHttpTest {
  static final String EXAMPLES_NETWORK =
      """
      PRESET_BASE: minimal
      CONFIG_NAME: web3signer-examples
      GENESIS_FORK_VERSION: 0x00000001
      ALTAIR_FORK_VERSION: 0x01000001
      ALTAIR_FORK_EPOCH: 0
      BELLATRIX_FORK_VERSION: 0x02000001
      BELLATRIX_FORK_EPOCH: 0
      CAPELLA_FORK_VERSION: 0x03000001
      CAPELLA_FORK_EPOCH: 0
      DENEB_FORK_VERSION: 0x04000001
      DENEB_FORK_EPOCH: 18446744073709551615
      ELECTRA_FORK_VERSION: 0x05000001
      ELECTRA_FORK_EPOCH: 18446744073709551615
      FULU_FORK_VERSION: 0x06000001
      FULU_FORK_EPOCH: 18446744073709551615
      """;

  @TempDir static Path temp;
  private static PalisadeNode node;
  private static HttpTestClient client;

  @BeforeAll
  static void startNode() {
    Network network = Networks.fromConfigYaml(EXAMPLES_NETWORK);
    NodeConfig config =
        new NodeConfig(
            new ServerConfig("127.0.0.1", 0, 1024 * 1024, 4),
            network,
            temp,
            // several examples share a slot with different roots: this test checks roots, not slashing
            new NodeConfig.SlashingConfig(false, Optional.empty(), null, null),
            Optional.empty());
    node = PalisadeNode.start(config);
    node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
    client = HttpTestClient.everySigningScope(node);
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  static Stream<Arguments> reproducedExamples() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (String file :
        new String[] {"web3signer_openapi_examples.verified.json", "remote_signing_api_v1.1.0_examples.verified.json"}) {
      JsonNode examples = MainnetSigningVectorsHttpTest.readResource("/vectors/signing/" + file).get("examples");
      for (JsonNode example : examples) {
        // two Web3Signer examples could not be reproduced by anyone: not an oracle
        if (example.get("reproduced").asBoolean()) {
          cases.add(Arguments.of(file.substring(0, file.indexOf('_')) + ": " + example.get("example_name").asText(), example));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reproducedExamples")
  void recomputesThePublishedSigningRoot(String name, JsonNode example) {
    ObjectNode body = (ObjectNode) example.get("request").deepCopy();
    body.remove("signing_root");
    String publishedRoot = example.get("published_signingRoot").asText();
    body.put("signingRoot", publishedRoot);

    HttpResponse<String> response = client.sign(SigningApiTest.PUBKEY, body.toString(), "application/json");

    assertEquals(200, response.statusCode(), () -> name + ": " + response.body());
    BlsSignature signature =
        BlsSignature.fromHex(MainnetSigningVectorsHttpTest.readJson(response.body()).get("signature").asText());
    assertTrue(Bls.verify(BlsPublicKey.fromHex(SigningApiTest.PUBKEY), Hex.decode(publishedRoot), signature), name);
  }
}
