package dev.palisade.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.eth2.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.List;

/**
 * Loads the ethers vectors and turns a vector's ethers JSON into the eth_signTransaction shape (hex
 * quantities, gas, input). The ethers JSON leaves out maxFeePerBlobGas, blobVersionedHashes and the
 * authorization list; they are read back from the vector's own unsignedSerialized.
 */
final class VectorJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private VectorJson() {}

  static List<JsonNode> load(String file) throws IOException {
    try (InputStream in = VectorJson.class.getResourceAsStream("/vectors/evm/" + file)) {
      JsonNode all = MAPPER.readTree(in);
      List<JsonNode> out = new java.util.ArrayList<>();
      all.forEach(out::add);
      return out;
    }
  }

  static ObjectNode rpcTransaction(JsonNode vector) {
    JsonNode tx = vector.get("tx");
    ObjectNode rpc = MAPPER.createObjectNode();
    int type = tx.get("type").asInt();
    rpc.put("type", hex(BigInteger.valueOf(type)));
    rpc.put("from", vector.get("address").asText());
    if (!tx.get("to").isNull()) {
      rpc.put("to", tx.get("to").asText());
    }
    rpc.put("input", tx.get("data").asText());
    rpc.put("nonce", hex(new BigInteger(tx.get("nonce").asText())));
    for (String[] names : new String[][] {{"gasLimit", "gas"}, {"gasPrice", "gasPrice"},
        {"maxPriorityFeePerGas", "maxPriorityFeePerGas"}, {"maxFeePerGas", "maxFeePerGas"},
        {"value", "value"}, {"chainId", "chainId"}}) {
      if (!tx.get(names[0]).isNull()) {
        rpc.put(names[1], hex(new BigInteger(tx.get(names[0]).asText())));
      }
    }
    if (type >= 1) {
      rpc.set("accessList", tx.get("accessList"));
    }
    if (type >= 3) {
      List<Object> fields = TestRlp.decodeTyped(Hex.decode(vector.get("unsignedSerialized").asText()));
      if (type == 3) {
        rpc.put("maxFeePerBlobGas", hex(new BigInteger(1, (byte[]) fields.get(9))));
        ArrayNode hashes = rpc.putArray("blobVersionedHashes");
        ((List<?>) fields.get(10)).forEach(h -> hashes.add(Hex.encode((byte[]) h)));
      } else {
        ArrayNode auths = rpc.putArray("authorizationList");
        for (Object item : (List<?>) fields.get(9)) {
          List<?> a = (List<?>) item;
          ObjectNode auth = auths.addObject();
          auth.put("chainId", hex(new BigInteger(1, (byte[]) a.get(0))));
          auth.put("address", Hex.encode((byte[]) a.get(1)));
          auth.put("nonce", hex(new BigInteger(1, (byte[]) a.get(2))));
          auth.put("yParity", hex(new BigInteger(1, (byte[]) a.get(3))));
          auth.put("r", hex(new BigInteger(1, (byte[]) a.get(4))));
          auth.put("s", hex(new BigInteger(1, (byte[]) a.get(5))));
        }
      }
    }
    return rpc;
  }

  static String hex(BigInteger value) {
    return "0x" + value.toString(16);
  }

  static EvmSignature signature(JsonNode vector) {
    JsonNode sig = vector.get("signature");
    return new EvmSignature(Hex.decode(sig.get("r").asText(), 32), Hex.decode(sig.get("s").asText(), 32),
        sig.get("yParity").asInt());
  }
}
