package dev.palisade.slashing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Hex;
import dev.palisade.slashing.InterchangeException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reads (strictly) and writes EIP-3076 interchange format version 5. */
final class InterchangeCodec {
  static final String FORMAT_VERSION = "5";

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final Pattern UINT64 = Pattern.compile("[0-9]{1,20}");
  private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]*");

  private InterchangeCodec() {}

  /** Parses and validates the whole document before anything is written. */
  static Interchange parse(InputStream in) throws InterchangeException {
    JsonNode root;
    try {
      root = MAPPER.readTree(in);
    } catch (IOException e) {
      String detail =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
              ? jpe.getOriginalMessage()
              : e.getMessage();
      throw invalid("not valid JSON: " + detail, e);
    }
    if (root == null || !root.isObject()) {
      throw invalid("the interchange must be a JSON object");
    }
    JsonNode metadata = object(root, "metadata", "$");
    String version = string(metadata, "interchange_format_version", "$.metadata");
    if (!FORMAT_VERSION.equals(version)) {
      throw new InterchangeException(
          Problem.UNSUPPORTED_VERSION,
          "interchange_format_version " + version + " is not supported (only \"5\")");
    }
    Bytes32 gvr =
        Bytes32.wrap(hex(metadata, "genesis_validators_root", "$.metadata", Bytes32.SIZE));
    JsonNode data = array(root, "data", "$");
    List<Interchange.ValidatorHistory> histories = new ArrayList<>(data.size());
    for (int i = 0; i < data.size(); i++) {
      String at = "$.data[" + i + "]";
      JsonNode entry = data.get(i);
      if (!entry.isObject()) {
        throw invalid(at + " must be an object");
      }
      BlsPublicKey pubkey = BlsPublicKey.wrap(hex(entry, "pubkey", at, BlsPublicKey.SIZE));
      JsonNode blocks = array(entry, "signed_blocks", at);
      List<SignedBlock> signedBlocks = new ArrayList<>(blocks.size());
      for (int j = 0; j < blocks.size(); j++) {
        String bat = at + ".signed_blocks[" + j + "]";
        JsonNode block = objectNode(blocks.get(j), bat);
        signedBlocks.add(new SignedBlock(uint64(block, "slot", bat), optionalRoot(block, bat)));
      }
      JsonNode atts = array(entry, "signed_attestations", at);
      List<SignedAttestation> signedAttestations = new ArrayList<>(atts.size());
      for (int j = 0; j < atts.size(); j++) {
        String aat = at + ".signed_attestations[" + j + "]";
        JsonNode att = objectNode(atts.get(j), aat);
        signedAttestations.add(
            new SignedAttestation(
                uint64(att, "source_epoch", aat),
                uint64(att, "target_epoch", aat),
                optionalRoot(att, aat)));
      }
      histories.add(new Interchange.ValidatorHistory(pubkey, signedBlocks, signedAttestations));
    }
    return new Interchange(gvr, histories);
  }

  /** Streams a document; pretty-printed, numbers as decimal strings, absent roots omitted. */
  static void write(JsonGenerator g, Interchange interchange) throws IOException {
    writeStart(g, interchange.genesisValidatorsRoot());
    for (Interchange.ValidatorHistory v : interchange.data()) {
      writeValidator(g, v);
    }
    writeEnd(g);
  }

  static JsonGenerator generator(java.io.OutputStream out) throws IOException {
    JsonGenerator g = new JsonFactory().createGenerator(out);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    g.useDefaultPrettyPrinter();
    return g;
  }

  static void writeStart(JsonGenerator g, Bytes32 gvr) throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("metadata");
    g.writeStringField("interchange_format_version", FORMAT_VERSION);
    g.writeStringField("genesis_validators_root", gvr.toHex());
    g.writeEndObject();
    g.writeArrayFieldStart("data");
  }

  static void writeValidator(JsonGenerator g, Interchange.ValidatorHistory v) throws IOException {
    g.writeStartObject();
    g.writeStringField("pubkey", v.pubkey().toHex());
    g.writeArrayFieldStart("signed_blocks");
    for (SignedBlock b : v.signedBlocks()) {
      g.writeStartObject();
      g.writeStringField("slot", Long.toUnsignedString(b.slot()));
      if (b.signingRoot() != null) {
        g.writeStringField("signing_root", b.signingRoot().toHex());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("signed_attestations");
    for (SignedAttestation a : v.signedAttestations()) {
      g.writeStartObject();
      g.writeStringField("source_epoch", Long.toUnsignedString(a.sourceEpoch()));
      g.writeStringField("target_epoch", Long.toUnsignedString(a.targetEpoch()));
      if (a.signingRoot() != null) {
        g.writeStringField("signing_root", a.signingRoot().toHex());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  static void writeEnd(JsonGenerator g) throws IOException {
    g.writeEndArray();
    g.writeEndObject();
    g.flush();
  }

  private static JsonNode object(JsonNode parent, String field, String at)
      throws InterchangeException {
    return objectNode(required(parent, field, at), at + "." + field);
  }

  private static JsonNode objectNode(JsonNode node, String at) throws InterchangeException {
    if (!node.isObject()) {
      throw invalid(at + " must be an object");
    }
    return node;
  }

  private static JsonNode array(JsonNode parent, String field, String at)
      throws InterchangeException {
    JsonNode node = required(parent, field, at);
    if (!node.isArray()) {
      throw invalid(at + "." + field + " must be an array");
    }
    return node;
  }

  private static String string(JsonNode parent, String field, String at)
      throws InterchangeException {
    JsonNode node = required(parent, field, at);
    if (!node.isTextual()) {
      throw invalid(at + "." + field + " must be a string");
    }
    return node.textValue();
  }

  private static JsonNode required(JsonNode parent, String field, String at)
      throws InterchangeException {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      throw invalid(at + "." + field + " is missing");
    }
    return node;
  }

  private static byte[] hex(JsonNode parent, String field, String at, int length)
      throws InterchangeException {
    return hexValue(string(parent, field, at), at + "." + field, length);
  }

  private static byte[] hexValue(String text, String at, int length) throws InterchangeException {
    if (!HEX.matcher(text).matches() || text.length() != 2 + 2 * length) {
      throw invalid(at + " must be 0x followed by " + (2 * length) + " hex digits");
    }
    return Hex.decode(text, length);
  }

  private static Bytes32 optionalRoot(JsonNode parent, String at) throws InterchangeException {
    JsonNode node = parent.get("signing_root");
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw invalid(at + ".signing_root must be a string");
    }
    return Bytes32.wrap(hexValue(node.textValue(), at + ".signing_root", Bytes32.SIZE));
  }

  private static long uint64(JsonNode parent, String field, String at)
      throws InterchangeException {
    String text = string(parent, field, at);
    if (!UINT64.matcher(text).matches()) {
      throw invalid(at + "." + field + " must be a decimal uint64 string, got \"" + text + "\"");
    }
    try {
      return Long.parseUnsignedLong(text);
    } catch (NumberFormatException e) {
      throw invalid(at + "." + field + " exceeds 2^64-1: " + text);
    }
  }

  private static InterchangeException invalid(String message) {
    return new InterchangeException(Problem.INVALID_FORMAT, message);
  }

  private static InterchangeException invalid(String message, Throwable cause) {
    return new InterchangeException(Problem.INVALID_FORMAT, message, cause);
  }
}
