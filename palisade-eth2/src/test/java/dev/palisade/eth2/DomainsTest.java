package dev.palisade.eth2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.signing.ContainerJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class DomainsTest {
  private static final JsonNode DEPOSIT_CLI = Vectors.json("signing/staking_deposit_cli_compute_domain_signing_root.json");
  private static final JsonNode MAINNET = Vectors.json("mainnet-config/domains_and_fork_data.json");

  @TestFactory
  Stream<DynamicTest> stakingDepositCliComputeDepositDomain() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : DEPOSIT_CLI.get("compute_deposit_domain")) {
      String version = c.get("fork_version").asText();
      tests.add(DynamicTest.dynamicTest("compute_deposit_domain " + version, () -> {
        if (c.get("valid").asBoolean()) {
          assertEquals(
              Bytes32.fromHex(c.get("domain").asText()),
              Domains.computeDomain(DomainType.DEPOSIT, ForkVersion.fromHex(version), Bytes32.ZERO));
        } else {
          assertThrows(IllegalArgumentException.class, () -> ForkVersion.fromHex(version));
        }
      }));
    }
    return tests.stream();
  }

  @Test
  void stakingDepositCliForkDataRoot() {
    JsonNode c = DEPOSIT_CLI.get("compute_deposit_fork_data_root").get(0);
    assertEquals(
        Bytes32.fromHex(c.get("fork_data_root").asText()),
        Domains.computeForkDataRoot(
            ForkVersion.fromHex(c.get("current_version").asText()), Bytes32.fromHex(c.get("genesis_validators_root").asText())));
  }

  @TestFactory
  Stream<DynamicTest> stakingDepositCliComputeSigningRoot() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : DEPOSIT_CLI.get("compute_signing_root")) {
      String domain = c.get("domain").asText();
      tests.add(DynamicTest.dynamicTest("compute_signing_root domain " + domain.length(), () -> {
        if (c.get("valid").asBoolean()) {
          Bytes32 objectRoot = ContainerJson.depositMessage(c.get("object")).hashTreeRoot();
          assertEquals(Bytes32.fromHex(c.get("object_root_derived_by_us").asText()), objectRoot);
          assertEquals(
              Bytes32.fromHex(c.get("signing_root").asText()),
              Domains.computeSigningRoot(objectRoot, Bytes32.fromHex(domain)));
        } else {
          assertThrows(IllegalArgumentException.class, () -> Bytes32.fromHex(domain));
        }
      }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> domainTypeConstants() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode d : MAINNET.get("domain_types")) {
      String name = d.get("name").asText();
      String constant = name.equals("DOMAIN_APPLICATION_MASK") ? "APPLICATION_BUILDER" : name.substring("DOMAIN_".length());
      tests.add(DynamicTest.dynamicTest(name, () ->
          assertEquals(d.get("value").asText().toLowerCase(), DomainType.valueOf(constant).toHex())));
    }
    assertEquals(13, tests.size());
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> mainnetForkDataRootsAndDomains() {
    Network mainnet = Networks.named("mainnet");
    Bytes32 gvr = Bytes32.fromHex(MAINNET.get("genesis_validators_root").asText());
    assertEquals(mainnet.genesisValidatorsRoot().orElseThrow(), gvr);
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode f : MAINNET.get("forks")) {
      Fork fork = Fork.fromName(f.get("fork").asText()).orElseThrow();
      ForkVersion version = ForkVersion.fromHex(f.get("fork_version").asText());
      long epoch = f.get("fork_epoch").asLong();
      tests.add(DynamicTest.dynamicTest(fork + " schedule and fork_data_root", () -> {
        assertEquals(version, mainnet.version(fork));
        assertEquals(epoch, mainnet.activationEpoch(fork));
        assertEquals(fork, mainnet.forkAtEpoch(epoch));
        assertEquals(Bytes32.fromHex(f.get("fork_data_root").asText()), Domains.computeForkDataRoot(version, gvr));
      }));
      for (Iterator<Map.Entry<String, JsonNode>> it = f.get("domains").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> d = it.next();
        DomainType type = DomainType.valueOf(d.getKey().substring("DOMAIN_".length()));
        tests.add(DynamicTest.dynamicTest(fork + " " + d.getKey(), () -> {
          // EIP-7044: from Deneb, exits always use CAPELLA_FORK_VERSION
          ForkVersion used =
              type == DomainType.VOLUNTARY_EXIT && fork.isAtLeast(Fork.DENEB) ? mainnet.version(Fork.CAPELLA) : version;
          assertEquals(Bytes32.fromHex(d.getValue().asText()), Domains.computeDomain(type, used, gvr));
        }));
      }
    }
    JsonNode preGenesis = MAINNET.get("pre_genesis");
    tests.add(DynamicTest.dynamicTest("pre-genesis fork_data_root", () -> assertEquals(
        Bytes32.fromHex(preGenesis.get("fork_data_root").asText()),
        Domains.computeForkDataRoot(ForkVersion.fromHex(preGenesis.get("fork_version").asText()), Bytes32.ZERO))));
    JsonNode fixed = MAINNET.get("fixed_domains_mainnet");
    tests.add(DynamicTest.dynamicTest("fixed mainnet domains", () -> {
      assertEquals(Bytes32.fromHex(fixed.get("DOMAIN_DEPOSIT").asText()),
          Domains.computeDomain(DomainType.DEPOSIT, mainnet.genesisForkVersion(), Bytes32.ZERO));
      assertEquals(Bytes32.fromHex(fixed.get("DOMAIN_APPLICATION_BUILDER").asText()),
          Domains.computeDomain(DomainType.APPLICATION_BUILDER, mainnet.genesisForkVersion(), Bytes32.ZERO));
      assertEquals(Bytes32.fromHex(fixed.get("DOMAIN_BLS_TO_EXECUTION_CHANGE").asText()),
          Domains.computeDomain(DomainType.BLS_TO_EXECUTION_CHANGE, mainnet.genesisForkVersion(), gvr));
    }));
    return tests.stream();
  }
}
