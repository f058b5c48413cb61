package dev.palisade.eth2.signing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.Networks;
import dev.palisade.eth2.Vectors;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of every vector request body. Whatever the bytes, decode() and
 * signingRoot() may only succeed or throw InvalidRequestException — and never via the internal
 * safety net, which would hide a bug.
 */
class SigningRequestDecoderFuzzTest {
  private static final long SEED = 0x9a11_5ade_2024L;
  private static final int BYTE_MUTATIONS = 2_500;
  private static final int TREE_MUTATIONS = 2_500;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final SigningRequestDecoder decoder = new SigningRequestDecoder();
  private final List<Network> networks = List.of(Networks.named("mainnet"), TestNetworks.apiExamples());
  private final Random random = new Random(SEED);

  @Test
  void mutatedBodiesOnlyEverFailWithInvalidRequestException() {
    List<JsonNode> seeds = seeds();
    int accepted = 0;
    for (int i = 0; i < BYTE_MUTATIONS; i++) {
      byte[] body = mutateBytes(Vectors.bytes(seeds.get(random.nextInt(seeds.size()))));
      accepted += check(body, "byte mutation " + i);
    }
    for (int i = 0; i < TREE_MUTATIONS; i++) {
      JsonNode tree = seeds.get(random.nextInt(seeds.size())).deepCopy();
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        tree = mutateTree(tree);
      }
      accepted += check(Vectors.bytes(tree), "tree mutation " + i);
    }
    // Some mutations must survive decoding, or we only exercised the first check.
    assertTrue(accepted > 100, "only " + accepted + " mutated bodies decoded");
  }

  private int check(byte[] body, String what) {
    try {
      SigningRequest request = decoder.decode(body);
      for (Network network : networks) {
        try {
          request.signingRoot(network);
        } catch (InvalidRequestException e) {
          assertSane(e, what);
        }
      }
      return 1;
    } catch (InvalidRequestException e) {
      assertSane(e, what);
      return 0;
    } catch (Throwable t) {
      fail(what + " threw " + t);
      return 0;
    }
  }

  private static void assertSane(InvalidRequestException e, String what) {
    assertFalse(e.getMessage().startsWith(RootComputation.INTERNAL_ERROR), what + ": " + e.getMessage());
    assertTrue(e.getMessage().length() < 400, what + ": message too long");
  }

  private static List<JsonNode> seeds() {
    List<JsonNode> seeds = new ArrayList<>();
    Vectors.json("signing/mainnet_signing_vectors.generated.json").get("vectors").forEach(v -> seeds.add(v.get("request")));
    Vectors.json("signing/web3signer_openapi_examples.verified.json").get("examples").forEach(v -> seeds.add(v.get("request")));
    Vectors.json("signing/remote_signing_api_v1.1.0_examples.verified.json").get("examples").forEach(v -> seeds.add(v.get("request")));
    return seeds;
  }

  private byte[] mutateBytes(byte[] body) {
    byte[] out = body.clone();
    switch (random.nextInt(5)) {
      case 0 -> { // flip a few bytes
        for (int i = 0; i < 1 + random.nextInt(4); i++) {
          out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
      }
      case 1 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length)); // truncate
      case 2 -> { // replace a digit or hex character with another
        for (int i = 0; i < 1 + random.nextInt(4); i++) {
          int at = random.nextInt(out.length);
          if (Character.isLetterOrDigit(out[at])) {
            out[at] = (byte) "0123456789abcdefxX-.eE\"".charAt(random.nextInt(23));
          }
        }
      }
      case 3 -> { // delete a span
        int from = random.nextInt(out.length);
        int to = Math.min(out.length, from + random.nextInt(40));
        byte[] cut = new byte[out.length - (to - from)];
        System.arraycopy(out, 0, cut, 0, from);
        System.arraycopy(out, to, cut, from, out.length - to);
        out = cut;
      }
      default -> { // duplicate a span
        int from = random.nextInt(out.length);
        int len = Math.min(out.length - from, random.nextInt(60));
        byte[] grown = new byte[out.length + len];
        System.arraycopy(out, 0, grown, 0, from + len);
        System.arraycopy(out, from, grown, from + len, out.length - from);
        out = grown;
      }
    }
    return out;
  }

  /** Replaces, removes or adds one random field somewhere in the tree. */
  private JsonNode mutateTree(JsonNode root) {
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode target = containers.get(random.nextInt(containers.size()));
    if (target instanceof ObjectNode object && object.size() > 0) {
      List<String> names = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        names.add(it.next().getKey());
      }
      String name = names.get(random.nextInt(names.size()));
      switch (random.nextInt(4)) {
        case 0 -> object.remove(name);
        case 1 -> object.set(name + (random.nextBoolean() ? "" : "_x"), randomValue());
        default -> object.set(name, randomValue());
      }
    } else if (target instanceof ArrayNode array) {
      if (array.size() > 0 && random.nextBoolean()) {
        array.set(random.nextInt(array.size()), randomValue());
      } else {
        int copies = random.nextInt(3) == 0 ? 200 : 1; // sometimes blow a list past its limit
        JsonNode element = array.size() > 0 ? array.get(0) : randomValue();
        for (int i = 0; i < copies; i++) {
          array.add(element.deepCopy());
        }
      }
    }
    return root;
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainerNode()) {
      out.add(node);
      node.forEach(child -> collect(child, out));
    }
  }

  private JsonNode randomValue() {
    return switch (random.nextInt(14)) {
      case 0 -> NODES.textNode(Long.toUnsignedString(random.nextLong()));
      case 1 -> NODES.numberNode(random.nextLong());
      case 2 -> NODES.numberNode(BigInteger.ONE.shiftLeft(64).add(BigInteger.valueOf(random.nextInt(3) - 1)));
      case 3 -> NODES.textNode("-" + random.nextInt(100));
      case 4 -> NODES.numberNode(random.nextDouble() * 100);
      case 5 -> NODES.textNode("0x" + "ab".repeat(random.nextInt(100)));
      case 6 -> NODES.textNode("0x" + "0".repeat(random.nextInt(9)));
      case 7 -> NODES.nullNode();
      case 8 -> NODES.booleanNode(random.nextBoolean());
      case 9 -> NODES.objectNode();
      case 10 -> NODES.arrayNode().add(NODES.textNode("1"));
      case 11 -> NODES.textNode(random.nextBoolean() ? "ELECTRA" : "phase0");
      case 12 -> NODES.textNode("0x" + "ff".repeat(32));
      default -> NODES.textNode("0x" + "01".repeat(random.nextInt(40)) + "80");
    };
  }
}
