package dev.palisade.eth2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NetworksTest {
  private static final String SPEC = "mainnet-config/consensus-specs-v1.6.1/";

  @Test
  void consensusSpecsMainnetConfigMatchesBuiltIn() {
    Network parsed = Networks.fromConfigYaml(Vectors.text(SPEC + "mainnet.yaml"));
    Network builtIn = Networks.named("MainNet");
    assertEquals(builtIn.schedule(), parsed.schedule());
    assertEquals(Preset.MAINNET, parsed.preset());
    assertEquals("mainnet", parsed.name());
    assertEquals(Optional.empty(), parsed.genesisValidatorsRoot()); // not in consensus configs
  }

  @ParameterizedTest
  @ValueSource(strings = {"phase0", "altair", "bellatrix", "capella", "deneb", "electra", "fulu"})
  void mainnetPresetMatchesSpecPresetFiles(String fork) {
    JsonNode preset = Vectors.yaml(Vectors.path(SPEC + "presets/mainnet/" + fork + ".yaml"));
    Preset p = Preset.MAINNET;
    preset.fields().forEachRemaining(e -> {
      Long ours = switch (e.getKey()) {
        case "SLOTS_PER_EPOCH" -> (long) p.slotsPerEpoch();
        case "MAX_COMMITTEES_PER_SLOT" -> p.maxCommitteesPerSlot();
        case "MAX_VALIDATORS_PER_COMMITTEE" -> p.maxValidatorsPerCommittee();
        case "MAX_PROPOSER_SLASHINGS" -> p.maxProposerSlashings();
        case "MAX_ATTESTER_SLASHINGS" -> p.maxAttesterSlashings();
        case "MAX_ATTESTATIONS" -> p.maxAttestations();
        case "MAX_DEPOSITS" -> p.maxDeposits();
        case "MAX_VOLUNTARY_EXITS" -> p.maxVoluntaryExits();
        case "SYNC_COMMITTEE_SIZE" -> (long) p.syncCommitteeSize();
        case "MAX_BYTES_PER_TRANSACTION" -> p.maxBytesPerTransaction();
        case "MAX_TRANSACTIONS_PER_PAYLOAD" -> p.maxTransactionsPerPayload();
        case "BYTES_PER_LOGS_BLOOM" -> (long) p.bytesPerLogsBloom();
        case "MAX_EXTRA_DATA_BYTES" -> p.maxExtraDataBytes();
        case "MAX_BLS_TO_EXECUTION_CHANGES" -> p.maxBlsToExecutionChanges();
        case "MAX_WITHDRAWALS_PER_PAYLOAD" -> p.maxWithdrawalsPerPayload();
        case "MAX_BLOB_COMMITMENTS_PER_BLOCK" -> p.maxBlobCommitmentsPerBlock();
        case "MAX_ATTESTER_SLASHINGS_ELECTRA" -> p.maxAttesterSlashingsElectra();
        case "MAX_ATTESTATIONS_ELECTRA" -> p.maxAttestationsElectra();
        case "MAX_DEPOSIT_REQUESTS_PER_PAYLOAD" -> p.maxDepositRequestsPerPayload();
        case "MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD" -> p.maxWithdrawalRequestsPerPayload();
        case "MAX_CONSOLIDATION_REQUESTS_PER_PAYLOAD" -> p.maxConsolidationRequestsPerPayload();
        default -> null; // not an SSZ length
      };
      if (ours != null) {
        assertEquals(e.getValue().asLong(), ours, e.getKey());
      }
    });
  }

  @ParameterizedTest
  @CsvSource({
    "mainnet, 0x00000000, 0x06000000, 411392, 0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95",
    "sepolia, 0x90000069, 0x90000075, 272640, 0xd8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078",
    "holesky, 0x01017000, 0x07017000, 165120, 0x9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1",
    "hoodi, 0x10000910, 0x70000910, 50688, 0x212f13fc4df078b6cb7db228f1c8307566dcecf900867401a92023d7ba99cb5f"
  })
  void builtInNetworks(String name, String genesis, String fulu, long fuluEpoch, String gvr) {
    Network network = Networks.named(name.toUpperCase());
    assertEquals(ForkVersion.fromHex(genesis), network.genesisForkVersion());
    assertEquals(ForkVersion.fromHex(fulu), network.version(Fork.FULU));
    assertEquals(fuluEpoch, network.activationEpoch(Fork.FULU));
    assertEquals(Fork.FULU, network.forkAtEpoch(fuluEpoch));
    assertEquals(Fork.ELECTRA, network.forkAtEpoch(fuluEpoch - 1));
    assertEquals(Bytes32.fromHex(gvr), network.genesisValidatorsRoot().orElseThrow());
  }

  @Test
  void unknownNetworkIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Networks.named("goerli"));
  }

  @Test
  void epochsAndSlotsAreUnsigned() {
    Network mainnet = Networks.named("mainnet");
    assertEquals(Long.divideUnsigned(-1L, 32), mainnet.epochAtSlot(-1L));
    assertTrue(mainnet.epochAtSlot(-1L) > 0);
    assertEquals(Fork.FULU, mainnet.forkAtEpoch(-2L));
    assertEquals(Fork.PHASE0, mainnet.forkAtEpoch(74239));
    assertEquals(Fork.ALTAIR, mainnet.forkAtSlot(74240L * 32));
    assertTrue(mainnet.isActive(Fork.DENEB, 269568));
    assertFalse(mainnet.isActive(Fork.DENEB, 269567));
  }

  @Test
  void unscheduledForksAreNeverActive() {
    Network network = Networks.fromConfigYaml(
        """
        # comment
        PRESET_BASE: minimal
        GENESIS_FORK_VERSION: 0x00000001   # trailing comment
        ALTAIR_FORK_VERSION: '0x01000001'
        ALTAIR_FORK_EPOCH: 10
        BELLATRIX_FORK_VERSION: 0x02000001
        BELLATRIX_FORK_EPOCH: 18446744073709551615
        BLOB_SCHEDULE:
          - EPOCH: 1
            MAX_BLOBS_PER_BLOCK: 9
        """);
    assertEquals(8, network.preset().slotsPerEpoch());
    assertEquals(Fork.ALTAIR, network.forkAtEpoch(-1L));
    assertFalse(network.isActive(Fork.BELLATRIX, -1L));
    assertEquals(UInt64.FAR_FUTURE, network.activationEpoch(Fork.FULU));
    assertEquals("custom", network.name());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "",
    "PRESET_BASE: mainnet",
    "GENESIS_FORK_VERSION: 0x0000",
    "GENESIS_FORK_VERSION: 0x00000000\nALTAIR_FORK_EPOCH: 5",
    "GENESIS_FORK_VERSION: 0x00000000\nALTAIR_FORK_VERSION: 0x01000000\nALTAIR_FORK_EPOCH: -5",
    "GENESIS_FORK_VERSION: 0x00000000\nALTAIR_FORK_VERSION: 0x01000000\nALTAIR_FORK_EPOCH: 18446744073709551616",
    "GENESIS_FORK_VERSION: 0x00000000\nPRESET_BASE: gnosis",
    "GENESIS_FORK_VERSION: 0x00000000\nGENESIS_FORK_VERSION: 0x00000001",
    "GENESIS_FORK_VERSION: 0x00000000\nthis is not yaml",
    "GENESIS_FORK_VERSION: '0x00000000",
    "GENESIS_FORK_VERSION: 0x00000000\nGENESIS_VALIDATORS_ROOT: 0x1234",
    "GENESIS_FORK_VERSION: 0x00000000\nALTAIR_FORK_VERSION: 0x01000000\nALTAIR_FORK_EPOCH: 10\n"
        + "BELLATRIX_FORK_VERSION: 0x02000000\nBELLATRIX_FORK_EPOCH: 5",
  })
  void invalidConfigsAreRejectedWithAMessage(String yaml) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Networks.fromConfigYaml(yaml));
    assertFalse(e.getMessage() == null || e.getMessage().isBlank());
  }

  @Test
  void vectorsFolderIsOnTheClasspath() {
    assertTrue(Path.of(Vectors.path(SPEC).toString()).toFile().isDirectory());
  }
}
