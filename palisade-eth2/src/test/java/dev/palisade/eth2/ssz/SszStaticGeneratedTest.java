package dev.palisade.eth2.ssz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.Vectors;
import dev.palisade.eth2.signing.ContainerJson;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * GENERATED mainnet-preset ssz_static cases (Altair…Fulu, builder types), every (type, fork) in
 * index.json, read from the Beacon-API style value.json that a signer actually receives.
 */
class SszStaticGeneratedTest {
  private static final Preset PRESET = Preset.MAINNET;

  @TestFactory
  Stream<DynamicTest> rootsMatchGeneratedVectors() {
    JsonNode index = Vectors.json("ssz-static-generated/index.json");
    assertEquals(126, index.size());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode entry : index) {
      String fork = entry.get("fork").asText();
      String type = entry.get("type").asText();
      String dir = "ssz-static-generated/mainnet/" + fork + "/" + type + "/" + entry.get("mode").asText() + "/" + entry.get("case").asText();
      tests.add(DynamicTest.dynamicTest(dir, () -> {
        JsonNode value = Vectors.json(dir + "/value.json");
        Bytes32 expected = Bytes32.fromHex(entry.get("root").asText());
        assertEquals(expected, root(type, Fork.fromName(fork).orElseThrow(), value));
      }));
    }
    return tests.stream();
  }

  private static Bytes32 root(String type, Fork fork, JsonNode value) {
    return switch (type) {
      case "BeaconBlock", "BlindedBeaconBlock" -> ContainerJson.beaconBlock(value, fork).hashTreeRoot(fork, PRESET);
      case "SyncCommitteeMessage" -> ContainerJson.syncCommitteeMessage(value).hashTreeRoot();
      case "SyncAggregatorSelectionData" -> ContainerJson.syncAggregatorSelectionData(value).hashTreeRoot();
      case "SyncCommitteeContribution" -> ContainerJson.syncCommitteeContribution(value).hashTreeRoot(PRESET);
      case "ContributionAndProof" -> ContainerJson.contributionAndProof(value).hashTreeRoot(PRESET);
      case "Attestation" -> ContainerJson.attestation(value).hashTreeRoot(fork, PRESET);
      case "AggregateAndProof" -> ContainerJson.aggregateAndProof(value).hashTreeRoot(fork, PRESET);
      case "ValidatorRegistrationV1" -> ContainerJson.validatorRegistration(value).hashTreeRoot();
      default -> throw new AssertionError("no root function for " + type);
    };
  }
}
