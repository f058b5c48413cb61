package dev.palisade.eth2.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.Networks;
import dev.palisade.eth2.Vectors;
import dev.palisade.eth2.types.DepositData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The 76 GENERATED end-to-end mainnet vectors: request JSON → object root → domain → signing root. */
class MainnetSigningVectorsTest {
  private static final JsonNode FILE = Vectors.json("signing/mainnet_signing_vectors.generated.json");
  private final SigningRequestDecoder decoder = new SigningRequestDecoder();
  private final Network mainnet = Networks.named("mainnet");

  @TestFactory
  Stream<DynamicTest> everyVectorReproduces() {
    JsonNode vectors = FILE.get("vectors");
    assertEquals(76, vectors.size());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode vector : vectors) {
      tests.add(DynamicTest.dynamicTest(vector.get("name").asText(), () -> {
        SigningRequest request = decoder.decode(Vectors.bytes(vector.get("request")));
        assertEquals(vector.get("web3signer_type").asText(), request.type().name());
        SigningRoots roots = request.signingRoots(mainnet);
        assertEquals(root(vector, "object_root"), roots.objectRoot(), "object root");
        assertEquals(root(vector, "domain"), roots.domain(), "domain");
        assertEquals(root(vector, "signing_root"), roots.signingRoot(), "signing root");
        assertEquals(roots.signingRoot(), request.signingRoot(mainnet));
        assertEquals(Optional.empty(), request.claimedSigningRoot());
      }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> depositDataRoot() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode vector : FILE.get("vectors")) {
      if (vector.has("deposit_data_root")) {
        tests.add(DynamicTest.dynamicTest(vector.get("name").asText(), () -> {
          DepositData data = ContainerJson.depositData(vector.get("deposit_data"));
          assertEquals(root(vector, "deposit_data_root"), data.hashTreeRoot());
        }));
      }
    }
    assertEquals(1, tests.size());
    return tests.stream();
  }

  private static Bytes32 root(JsonNode vector, String field) {
    return Bytes32.fromHex(vector.get(field).asText());
  }
}
