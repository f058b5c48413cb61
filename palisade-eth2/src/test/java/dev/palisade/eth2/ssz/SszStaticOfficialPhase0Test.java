package dev.palisade.eth2.ssz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.ForkVersion;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.Vectors;
import dev.palisade.eth2.signing.ContainerJson;
import dev.palisade.eth2.types.ForkContainer;
import dev.palisade.eth2.types.ForkData;
import dev.palisade.eth2.types.SigningData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Official consensus-spec-tests v0.12.3 ssz_static phase0 vectors (minimal preset, whose lengths
 * equal mainnet's for these types). All 17 types are hashed, including the non-signer ones (Fork,
 * Eth1Data, IndexedAttestation and the Signed* wrappers), so none is skipped. Only roots are
 * checked: a signer never serializes SSZ, so serialized.ssz was not copied.
 */
class SszStaticOfficialPhase0Test {
  private static final Path ROOT = Vectors.path("ssz-static-official-phase0/tests/minimal/phase0/ssz_static");
  private static final Preset PRESET = Preset.MINIMAL;
  private static final Fork FORK = Fork.PHASE0;

  private static final Map<String, Function<JsonNode, Bytes32>> ROOTS =
      Map.ofEntries(
          Map.entry("AttestationData", v -> ContainerJson.attestationData(v).hashTreeRoot()),
          Map.entry("Checkpoint", v -> ContainerJson.checkpoint(v).hashTreeRoot()),
          Map.entry("BeaconBlockHeader", v -> ContainerJson.beaconBlockHeader(v).hashTreeRoot()),
          Map.entry("BeaconBlock", v -> ContainerJson.beaconBlock(v, FORK).hashTreeRoot(FORK, PRESET)),
          Map.entry("VoluntaryExit", v -> ContainerJson.voluntaryExit(v).hashTreeRoot()),
          Map.entry("DepositMessage", v -> ContainerJson.depositMessage(v).hashTreeRoot()),
          Map.entry("DepositData", v -> ContainerJson.depositData(v).hashTreeRoot()),
          Map.entry("AggregateAndProof", v -> ContainerJson.aggregateAndProof(v).hashTreeRoot(FORK, PRESET)),
          Map.entry("Attestation", v -> ContainerJson.attestation(v).hashTreeRoot(FORK, PRESET)),
          Map.entry("ForkData", v -> new ForkData(version(v, "current_version"), root(v, "genesis_validators_root")).hashTreeRoot()),
          Map.entry("SigningData", v -> new SigningData(root(v, "object_root"), root(v, "domain")).hashTreeRoot()),
          Map.entry(
              "Fork",
              v -> new ForkContainer(version(v, "previous_version"), version(v, "current_version"), v.get("epoch").bigIntegerValue().longValue())
                  .hashTreeRoot()),
          Map.entry("Eth1Data", v -> ContainerJson.eth1Data(v).hashTreeRoot()),
          Map.entry("IndexedAttestation", v -> ContainerJson.indexedAttestation(v).hashTreeRoot(FORK, PRESET)),
          Map.entry("SignedVoluntaryExit", v -> ContainerJson.signedVoluntaryExit(v).hashTreeRoot()),
          Map.entry(
              "SignedBeaconBlock",
              v -> ContainerJson.beaconBlock(v.get("message"), FORK).signedRoot(FORK, PRESET, signature(v))),
          Map.entry(
              "SignedAggregateAndProof",
              v -> Ssz.container(
                  ContainerJson.aggregateAndProof(v.get("message")).hashTreeRoot(FORK, PRESET), Ssz.byteVector(signature(v)))));

  @Test
  void everyOfficialTypeIsCovered() throws IOException {
    try (Stream<Path> types = Files.list(ROOT)) {
      List<String> names = types.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(17, names.size());
      assertEquals(names.stream().sorted().toList(), ROOTS.keySet().stream().sorted().toList());
    }
  }

  @TestFactory
  Stream<DynamicTest> rootsMatchOfficialVectors() throws IOException {
    List<Path> cases;
    try (Stream<Path> files = Files.walk(ROOT)) {
      cases = files.filter(p -> p.getFileName().toString().equals("value.yaml")).map(Path::getParent).sorted().toList();
    }
    assertEquals(187, cases.size());
    return cases.stream()
        .map(dir -> {
          String type = ROOT.relativize(dir).getName(0).toString();
          return DynamicTest.dynamicTest(ROOT.relativize(dir).toString(), () -> {
            Function<JsonNode, Bytes32> root = ROOTS.get(type);
            assertTrue(root != null, "no root function for " + type);
            JsonNode value = Vectors.yaml(dir.resolve("value.yaml"));
            Bytes32 expected = Bytes32.fromHex(Vectors.yaml(dir.resolve("roots.yaml")).get("root").asText());
            assertEquals(expected, root.apply(value));
          });
        });
  }

  private static ForkVersion version(JsonNode v, String field) {
    return ForkVersion.fromHex(v.get(field).asText());
  }

  private static Bytes32 root(JsonNode v, String field) {
    return Bytes32.fromHex(v.get(field).asText());
  }

  private static Bytes signature(JsonNode v) {
    return Bytes.fromHex(v.get("signature").asText());
  }
}
