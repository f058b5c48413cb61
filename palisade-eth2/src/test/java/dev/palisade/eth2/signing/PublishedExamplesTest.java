package dev.palisade.eth2.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The published Web3Signer OpenAPI and remote-signing-api v1.1.0 request examples, decoded and
 * re-rooted on the network they were made for ({@link TestNetworks#apiExamples()}). The two
 * examples flagged {@code reproduced: false} (Web3Signer AGGREGATE_AND_PROOF_V2 ELECTRA and FULU)
 * are skipped: their published root follows from no preset, so they cannot serve as oracles.
 */
class PublishedExamplesTest {
  private final SigningRequestDecoder decoder = new SigningRequestDecoder();
  private final Network network = TestNetworks.apiExamples();

  @TestFactory
  Stream<DynamicTest> web3signerOpenApiExamples() {
    return examples("signing/web3signer_openapi_examples.verified.json", 23, 2);
  }

  @TestFactory
  Stream<DynamicTest> remoteSigningApiExamples() {
    return examples("signing/remote_signing_api_v1.1.0_examples.verified.json", 16, 0);
  }

  /** Even the non-reproducible examples must decode: only their published root is in doubt. */
  @ParameterizedTest
  @ValueSource(strings = {"AGGREGATE_AND_PROOF_V2 (ELECTRA)", "AGGREGATE_AND_PROOF_V2 (FULU)"})
  void flaggedExamplesStillDecode(String name) {
    for (JsonNode example : Vectors.json("signing/web3signer_openapi_examples.verified.json").get("examples")) {
      if (example.get("example_name").asText().equals(name)) {
        SigningRequest request = decoder.decode(Vectors.bytes(example.get("request")));
        assertEquals(SigningType.AGGREGATE_AND_PROOF_V2, request.type());
        return;
      }
    }
    throw new AssertionError("example not found: " + name);
  }

  private Stream<DynamicTest> examples(String file, int expectedReproduced, int expectedSkipped) {
    List<DynamicTest> tests = new ArrayList<>();
    int skipped = 0;
    for (JsonNode example : Vectors.json(file).get("examples")) {
      if (!example.get("reproduced").asBoolean()) {
        skipped++;
        continue;
      }
      tests.add(DynamicTest.dynamicTest(example.get("example_name").asText(), () -> {
        SigningRequest request = decoder.decode(Vectors.bytes(example.get("request")));
        Bytes32 published = Bytes32.fromHex(example.get("published_signingRoot").asText());
        SigningRoots roots = request.signingRoots(network);
        if (example.hasNonNull("object_root")) {
          assertEquals(Bytes32.fromHex(example.get("object_root").asText()), roots.objectRoot(), "object root");
        }
        assertEquals(published, roots.signingRoot(), "signing root");
        assertEquals(Optional.of(published), request.claimedSigningRoot(), "the example's own signingRoot");
        assertTrue(request.type().needsForkInfo() == request.forkInfo().isPresent());
      }));
    }
    assertEquals(expectedReproduced, tests.size());
    assertEquals(expectedSkipped, skipped);
    return tests.stream();
  }
}
