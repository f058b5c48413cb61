package dev.palisade.eth2.signing;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.types.BeaconBlockHeader;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decodes a Web3Signer eth2 signing request body ({@code POST /api/v1/eth2/sign/{pubkey}}) into a
 * typed {@link SigningRequest}. Thread-safe; reuse one instance.
 *
 * <p>Hostile input is bounded: nesting depth, string, number and document sizes are capped by
 * Jackson's StreamReadConstraints, duplicate keys and trailing content are rejected, and every list
 * is bounded by its SSZ limit. Whatever the bytes, only {@link InvalidRequestException} escapes.
 */
public final class SigningRequestDecoder {
  /** The deepest real request (a block's attester slashing) nests about 10 levels. */
  static final int MAX_NESTING_DEPTH = 32;
  /** A uint256 has at most 78 digits. */
  static final int MAX_NUMBER_LENGTH = 100;
  /** Large enough for a full execution payload's transactions in one string. */
  static final int MAX_STRING_LENGTH = 16 * 1024 * 1024;
  static final long MAX_DOCUMENT_LENGTH = 32L * 1024 * 1024;

  private static final String KNOWN_TYPES =
      Arrays.stream(SigningType.values()).map(Enum::name).collect(Collectors.joining(", "));

  private final ObjectMapper mapper;

  public SigningRequestDecoder() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxDocumentLength(MAX_DOCUMENT_LENGTH)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    this.mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * @throws InvalidRequestException naming the field that is missing or wrong
   */
  public SigningRequest decode(byte[] json) throws InvalidRequestException {
    try {
      return decodeBody(JsonFields.of(parse(json), ""));
    } catch (InvalidRequestException e) {
      throw e;
    } catch (RuntimeException e) { // a bug of ours; still never leak anything but InvalidRequestException
      throw new InvalidRequestException(
          null, RootComputation.INTERNAL_ERROR + ": the request could not be decoded (" + e.getClass().getSimpleName() + ")");
    }
  }

  private JsonNode parse(byte[] json) {
    if (json == null || json.length == 0) {
      throw new InvalidRequestException(null, "request body is empty");
    }
    try {
      JsonNode root = mapper.readTree(json);
      if (root == null || root.isMissingNode()) {
        throw new InvalidRequestException(null, "request body is empty");
      }
      if (!root.isObject()) {
        throw new InvalidRequestException(null, "request body must be a JSON object");
      }
      return root;
    } catch (StreamConstraintsException e) {
      throw new InvalidRequestException(
          null, "request body exceeds the decoder's limits (nesting depth " + MAX_NESTING_DEPTH
              + ", number length, string length or document size)");
    } catch (JacksonException e) {
      throw new InvalidRequestException(null, "request body is not valid JSON" + where(e.getLocation()));
    } catch (IOException e) {
      throw new InvalidRequestException(null, "request body could not be read");
    }
  }

  private static String where(JsonLocation location) {
    if (location == null || location.getLineNr() < 0) {
      return "";
    }
    return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static SigningRequest decodeBody(JsonFields body) {
    String typeName = body.text("type");
    SigningType type =
        SigningType.fromName(typeName)
            .orElseThrow(() -> new InvalidRequestException("type", "unknown signing type; expected one of " + KNOWN_TYPES));
    // signing_root, or its alias signingRoot through the camelCase fallback
    Bytes32 claim = body.has("signing_root") ? body.bytes32("signing_root") : null;
    ForkInfo fork = type.needsForkInfo() ? forkInfo(body.object("fork_info")) : null;
    JsonFields payload = body.object(type.payloadKey());
    return switch (type) {
      case BLOCK -> new BlockRequest(fork, claim, ContainerJson.beaconBlock(payload, Fork.PHASE0));
      case BLOCK_V2 -> blockV2(fork, claim, payload);
      case ATTESTATION -> new AttestationRequest(fork, claim, ContainerJson.attestationData(payload));
      case AGGREGATION_SLOT -> new AggregationSlotRequest(fork, claim, payload.uint64("slot"));
      case AGGREGATE_AND_PROOF -> new AggregateAndProofRequest(
          type, fork, claim, Optional.empty(), ContainerJson.aggregateAndProof(payload));
      case AGGREGATE_AND_PROOF_V2 -> aggregateAndProofV2(fork, claim, payload);
      case DEPOSIT -> new DepositRequest(
          claim, ContainerJson.depositMessage(payload), payload.forkVersion("genesis_fork_version"));
      case RANDAO_REVEAL -> new RandaoRevealRequest(fork, claim, payload.uint64("epoch"));
      case VOLUNTARY_EXIT -> new VoluntaryExitRequest(fork, claim, ContainerJson.voluntaryExit(payload));
      case SYNC_COMMITTEE_MESSAGE -> new SyncCommitteeMessageRequest(
          fork, claim, payload.bytes32("beacon_block_root"), payload.uint64("slot"));
      case SYNC_COMMITTEE_SELECTION_PROOF -> new SyncCommitteeSelectionProofRequest(
          fork, claim, ContainerJson.syncAggregatorSelectionData(payload));
      case SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF -> new SyncCommitteeContributionAndProofRequest(
          fork, claim, ContainerJson.contributionAndProof(payload));
      case VALIDATOR_REGISTRATION -> new ValidatorRegistrationRequest(claim, ContainerJson.validatorRegistration(payload));
    };
  }

  private static ForkInfo forkInfo(JsonFields forkInfo) {
    JsonFields fork = forkInfo.object("fork");
    return new ForkInfo(
        new ForkInfo.ForkVersions(
            fork.forkVersion("previous_version"), fork.forkVersion("current_version"), fork.uint64("epoch")),
        forkInfo.bytes32("genesis_validators_root"));
  }

  /**
   * {@code {version, block}} for PHASE0/ALTAIR, {@code {version, block_header}} from BELLATRIX. A
   * header is accepted for any version and a full block for any version (hashed in that shape).
   */
  private static SigningRequest blockV2(ForkInfo fork, Bytes32 claim, JsonFields beaconBlock) {
    Fork version = version(beaconBlock, true).orElseThrow();
    if (beaconBlock.has("block_header")) {
      BeaconBlockHeader header = ContainerJson.beaconBlockHeader(beaconBlock.object("block_header"));
      return new BlockHeaderV2Request(fork, claim, version, header);
    }
    if (beaconBlock.has("block")) {
      return new BlockV2Request(fork, claim, version, ContainerJson.beaconBlock(beaconBlock.object("block"), version));
    }
    String expected = version.hasExecutionPayload() ? "block_header" : "block";
    throw new InvalidRequestException(beaconBlock.pathOf(expected), "is missing (a " + version + " BLOCK_V2 needs it)");
  }

  /** {@code {version, data: AggregateAndProof}}, or the legacy shape without the wrapper. */
  private static SigningRequest aggregateAndProofV2(ForkInfo fork, Bytes32 claim, JsonFields payload) {
    boolean wrapped = payload.has("data") && !payload.has("aggregator_index");
    Optional<Fork> version = version(payload, wrapped); // {version, data} needs both
    JsonFields message = wrapped ? payload.object("data") : payload;
    return new AggregateAndProofRequest(
        SigningType.AGGREGATE_AND_PROOF_V2, fork, claim, version, ContainerJson.aggregateAndProof(message));
  }

  private static Optional<Fork> version(JsonFields payload, boolean required) {
    if (!payload.has("version")) {
      if (required) {
        throw new InvalidRequestException(payload.pathOf("version"), "is missing");
      }
      return Optional.empty();
    }
    String name = payload.text("version");
    return Optional.of(
        Fork.fromName(name)
            .orElseThrow(() -> new InvalidRequestException(
                payload.pathOf("version"), "unknown fork version; expected one of " + Arrays.toString(Fork.values()))));
  }
}
