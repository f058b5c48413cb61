package dev.palisade.eth2.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.eth2.Network;
import dev.palisade.eth2.Networks;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SigningRequestDecoderBadInputTest {
  private static final String ROOT = "0x" + "11".repeat(32);
  private static final String SIG = "0x" + "22".repeat(96);
  private static final String FORK_INFO =
      "\"fork_info\":{\"fork\":{\"previous_version\":\"0x00000000\",\"current_version\":\"0x00000000\",\"epoch\":\"0\"},"
          + "\"genesis_validators_root\":\"" + ROOT + "\"}";
  private static final String ATTESTATION =
      "{\"type\":\"ATTESTATION\"," + FORK_INFO + ",\"attestation\":{\"slot\":\"32\",\"index\":\"0\",\"beacon_block_root\":\"BBR\","
          + "\"source\":{\"epoch\":SOURCE,\"root\":\"" + ROOT + "\"},\"target\":{\"epoch\":\"1\",\"root\":\"" + ROOT + "\"}}}";

  private static final String AGGREGATE = "{\"aggregator_index\":\"1\",\"aggregate\":{\"aggregation_bits\":\"0x01\",\"data\":{\"slot\":\"32\",\"index\":\"0\",\"beacon_block_root\":\"" + ROOT + "\",\"source\":{\"epoch\":\"0\",\"root\":\"" + ROOT + "\"},\"target\":{\"epoch\":\"1\",\"root\":\"" + ROOT + "\"}},\"signature\":\"" + SIG + "\"},\"selection_proof\":\"" + SIG + "\"}";

  private final SigningRequestDecoder decoder = new SigningRequestDecoder();

  private static String attestation(String sourceEpoch) {
    return ATTESTATION.replace("SOURCE", sourceEpoch).replace("BBR", ROOT);
  }

  static Stream<Arguments> badBodies() {
    String header = "{\"slot\":\"1\",\"proposer_index\":\"1\",\"parent_root\":\"" + ROOT + "\",\"state_root\":\"" + ROOT
        + "\",\"body_root\":\"" + ROOT + "\"}";
    return Stream.of(
        Arguments.of("empty body", "", null),
        Arguments.of("truncated JSON", attestation("\"0\"").substring(0, 80), null),
        Arguments.of("trailing garbage", attestation("\"0\"") + "}", null),
        Arguments.of("not an object", "[1,2,3]", null),
        Arguments.of("not UTF-8", "{\"type\":\"\u00ff\"}".replace('\u00ff', '\u0000'), null),
        Arguments.of("missing type", "{" + FORK_INFO + "}", "type"),
        Arguments.of("type is a number", "{\"type\":7}", "type"),
        Arguments.of("unknown type", "{\"type\":\"BLOB_SIDECAR\"}", "type"),
        Arguments.of("type with a trailing NUL", attestation("\"0\"").replace("ATTESTATION", "ATTESTATION\\u0000"), "type"),
        Arguments.of("type with an embedded NUL", attestation("\"0\"").replace("ATTESTATION", "ATTEST\\u0000ATION"), "type"),
        Arguments.of("type with a trailing space", attestation("\"0\"").replace("ATTESTATION", "ATTESTATION "), "type"),
        Arguments.of("type with a leading tab", attestation("\"0\"").replace("ATTESTATION", "\\tATTESTATION"), "type"),
        Arguments.of("AGGREGATE_AND_PROOF_V2 {version, data} without version",
            "{\"type\":\"AGGREGATE_AND_PROOF_V2\"," + FORK_INFO + ",\"aggregate_and_proof\":{\"data\":" + AGGREGATE + "}}",
            "aggregate_and_proof.version"),
        Arguments.of("fork version with a NUL",
            "{\"type\":\"AGGREGATE_AND_PROOF_V2\"," + FORK_INFO + ",\"aggregate_and_proof\":{\"version\":\"ELECTRA\\u0000\",\"data\":" + AGGREGATE + "}}",
            "aggregate_and_proof.version"),
        Arguments.of("missing fork_info", "{\"type\":\"RANDAO_REVEAL\",\"randao_reveal\":{\"epoch\":\"1\"}}", "fork_info"),
        Arguments.of("fork_info not an object", "{\"type\":\"RANDAO_REVEAL\",\"fork_info\":\"x\",\"randao_reveal\":{\"epoch\":\"1\"}}", "fork_info"),
        Arguments.of("missing payload", "{\"type\":\"ATTESTATION\"," + FORK_INFO + "}", "attestation"),
        Arguments.of("uint64 = 2^64 as string", attestation("\"18446744073709551616\""), "attestation.source.epoch"),
        Arguments.of("uint64 = 2^64 as number", attestation("18446744073709551616"), "attestation.source.epoch"),
        Arguments.of("uint64 far too large", attestation("\"99999999999999999999999\""), "attestation.source.epoch"),
        Arguments.of("negative number", attestation("-1"), "attestation.source.epoch"),
        Arguments.of("negative string", attestation("\"-1\""), "attestation.source.epoch"),
        Arguments.of("fraction", attestation("1.5"), "attestation.source.epoch"),
        Arguments.of("whole-valued fraction", attestation("1.0"), "attestation.source.epoch"),
        Arguments.of("exponent", attestation("1e3"), "attestation.source.epoch"),
        Arguments.of("hex as uint64", attestation("\"0x10\""), "attestation.source.epoch"),
        Arguments.of("empty string uint64", attestation("\"\""), "attestation.source.epoch"),
        Arguments.of("boolean uint64", attestation("true"), "attestation.source.epoch"),
        Arguments.of("object uint64", attestation("{}"), "attestation.source.epoch"),
        Arguments.of("root of 31 bytes", ATTESTATION.replace("SOURCE", "\"0\"").replace("BBR", "0x" + "11".repeat(31)), "attestation.beacon_block_root"),
        Arguments.of("root of 33 bytes", ATTESTATION.replace("SOURCE", "\"0\"").replace("BBR", "0x" + "11".repeat(33)), "attestation.beacon_block_root"),
        Arguments.of("root not hex", ATTESTATION.replace("SOURCE", "\"0\"").replace("BBR", "0x" + "zz".repeat(32)), "attestation.beacon_block_root"),
        Arguments.of("root odd length", ATTESTATION.replace("SOURCE", "\"0\"").replace("BBR", "0x1"), "attestation.beacon_block_root"),
        Arguments.of("fork version of 5 bytes", attestation("\"0\"").replace("\"previous_version\":\"0x00000000\"", "\"previous_version\":\"0x0000000000\""), "fork_info.fork.previous_version"),
        Arguments.of("signing root of 31 bytes", attestation("\"0\"").replace("{\"type\"", "{\"signingRoot\":\"0x" + "11".repeat(31) + "\",\"type\""), "signing_root"),
        Arguments.of("duplicate key", "{\"type\":\"ATTESTATION\",\"type\":\"BLOCK\"}", null),
        Arguments.of("BLOCK_V2 without block or header", "{\"type\":\"BLOCK_V2\"," + FORK_INFO + ",\"beacon_block\":{\"version\":\"DENEB\"}}", "beacon_block.block_header"),
        Arguments.of("BLOCK_V2 phase0 without block", "{\"type\":\"BLOCK_V2\"," + FORK_INFO + ",\"beacon_block\":{\"version\":\"phase0\"}}", "beacon_block.block"),
        Arguments.of("BLOCK_V2 without version", "{\"type\":\"BLOCK_V2\"," + FORK_INFO + ",\"beacon_block\":{\"block_header\":" + header + "}}", "beacon_block.version"),
        Arguments.of("BLOCK_V2 unknown version", "{\"type\":\"BLOCK_V2\"," + FORK_INFO + ",\"beacon_block\":{\"version\":\"GLOAS\",\"block_header\":" + header + "}}", "beacon_block.version"),
        Arguments.of("deposit without genesis_fork_version",
            "{\"type\":\"DEPOSIT\",\"deposit\":{\"pubkey\":\"0x" + "aa".repeat(48) + "\",\"withdrawal_credentials\":\"" + ROOT + "\",\"amount\":\"1\"}}",
            "deposit.genesis_fork_version"),
        Arguments.of("registration fee_recipient of 21 bytes",
            "{\"type\":\"VALIDATOR_REGISTRATION\",\"validator_registration\":{\"fee_recipient\":\"0x" + "aa".repeat(21)
                + "\",\"gas_limit\":\"1\",\"timestamp\":\"1\",\"pubkey\":\"0x" + "aa".repeat(48) + "\"}}",
            "validator_registration.fee_recipient"),
        Arguments.of("deep nesting", "{\"type\":\"ATTESTATION\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}", null),
        Arguments.of("number of 1000 digits", attestation("1" + "0".repeat(1000)), null),
        Arguments.of("too many proposer slashings", blockWithProposerSlashings(17), "block.body.proposer_slashings"),
        Arguments.of("aggregation bits over the Electra limit", aggregateWithBits(131072 / 8 + 2), "aggregate_and_proof.data.aggregate.aggregation_bits"),
        Arguments.of("aggregation bits without delimiter", aggregateWithBits(0).replace("\"0x01\"", "\"0x00\""), "aggregate_and_proof.data.aggregate.aggregation_bits"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void rejectsWithFieldAndMessage(String description, String body, String expectedField) {
    InvalidRequestException e =
        assertThrows(InvalidRequestException.class, () -> decoder.decode(body.getBytes(StandardCharsets.UTF_8)));
    assertEquals(expectedField, e.field(), e.getMessage());
    assertFalse(e.getMessage().isBlank());
    assertTrue(e.getMessage().length() < 300, "message must not echo input: " + e.getMessage().length());
    assertFalse(e.getMessage().startsWith(RootComputation.INTERNAL_ERROR), e.getMessage());
    if (expectedField != null) {
      assertTrue(e.getMessage().startsWith(expectedField + ": "), e.getMessage());
    }
  }

  @Test
  void nullBodyIsRejected() {
    assertThrows(InvalidRequestException.class, () -> decoder.decode(null));
  }

  @Test
  void acceptsNumbersCaseInsensitiveTypeAndUnknownFields() {
    SigningRequest request = decoder.decode(
        attestation("18446744073709551615").replace("\"ATTESTATION\"", "\"attestation\"").replace("{\"type\"", "{\"extra\":[1,{}],\"type\"")
            .getBytes(StandardCharsets.UTF_8));
    assertEquals(new SlashingSubject.Attestation(-1L, 1L), request.slashingSubject().orElseThrow());
  }

  @Test
  void syncCommitteeTypesNeedAltairOnTheNetwork() {
    String body = "{\"type\":\"SYNC_COMMITTEE_MESSAGE\"," + FORK_INFO + ",\"sync_committee_message\":{\"beacon_block_root\":\"" + ROOT
        + "\",\"slot\":\"100\"}}";
    SigningRequest request = decoder.decode(body.getBytes(StandardCharsets.UTF_8));
    Network mainnet = Networks.named("mainnet");
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> request.signingRoot(mainnet));
    assertEquals("sync_committee_message", e.field());
    assertTrue(e.getMessage().contains("ALTAIR"), e.getMessage());
  }

  @Test
  void contributionBitsMustMatchTheNetworkPreset() {
    String body = "{\"type\":\"SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF\"," + FORK_INFO + ",\"contribution_and_proof\":{\"aggregator_index\":\"1\","
        + "\"selection_proof\":\"" + SIG + "\",\"contribution\":{\"slot\":\"9999999\",\"beacon_block_root\":\"" + ROOT
        + "\",\"subcommittee_index\":\"1\",\"aggregation_bits\":\"0x24\",\"signature\":\"" + SIG + "\"}}}";
    SigningRequest request = decoder.decode(body.getBytes(StandardCharsets.UTF_8));
    request.signingRoot(TestNetworks.apiExamples()); // 8 bits: fine on the minimal preset
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> request.signingRoot(Networks.named("mainnet")));
    assertEquals("contribution_and_proof", e.field());
  }

  @Test
  void electraAggregateNeedsCommitteeBits() {
    String body = aggregateWithBits(1).replace("\"slot\":\"1\"", "\"slot\":\"11649351\"");
    SigningRequest request = decoder.decode(body.getBytes(StandardCharsets.UTF_8));
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> request.signingRoot(Networks.named("mainnet")));
    assertTrue(e.getMessage().contains("committee_bits"), e.getMessage());
    // the same message before Electra is a phase0 aggregate and signs
    decoder.decode(aggregateWithBits(1).getBytes(StandardCharsets.UTF_8)).signingRoot(Networks.named("mainnet"));
  }

  private static String blockWithProposerSlashings(int count) {
    String slashings = String.join(",", java.util.Collections.nCopies(count, "{}"));
    return "{\"type\":\"BLOCK\"," + FORK_INFO + ",\"block\":{\"slot\":\"1\",\"proposer_index\":\"1\",\"parent_root\":\"" + ROOT
        + "\",\"state_root\":\"" + ROOT + "\",\"body\":{\"randao_reveal\":\"" + SIG + "\",\"eth1_data\":{\"deposit_root\":\"" + ROOT
        + "\",\"deposit_count\":\"1\",\"block_hash\":\"" + ROOT + "\"},\"graffiti\":\"" + ROOT + "\",\"proposer_slashings\":[" + slashings
        + "],\"attester_slashings\":[],\"attestations\":[],\"deposits\":[],\"voluntary_exits\":[]}}}";
  }

  /** An AGGREGATE_AND_PROOF_V2 whose aggregation bits are {@code bytes} 0x00 bytes and a 0x01 delimiter byte. */
  private static String aggregateWithBits(int bytes) {
    return "{\"type\":\"AGGREGATE_AND_PROOF_V2\"," + FORK_INFO + ",\"aggregate_and_proof\":{\"version\":\"PHASE0\",\"data\":{"
        + "\"aggregator_index\":\"1\",\"selection_proof\":\"" + SIG + "\",\"aggregate\":{\"aggregation_bits\":\"0x" + "00".repeat(bytes)
        + "01\",\"signature\":\"" + SIG + "\",\"data\":{\"slot\":\"1\",\"index\":\"0\",\"beacon_block_root\":\"" + ROOT
        + "\",\"source\":{\"epoch\":\"0\",\"root\":\"" + ROOT + "\"},\"target\":{\"epoch\":\"0\",\"root\":\"" + ROOT + "\"}}}}}}";
  }
}
