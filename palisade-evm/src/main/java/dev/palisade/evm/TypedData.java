package dev.palisade.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.eth2.signing.InvalidRequestException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An EIP-712 typed-data document as {@code eth_signTypedData_v4} sends it: types, primaryType, domain
 * and message. Parsing checks the shape; {@link TypedDataEncoder} computes the hashes (v4 semantics).
 */
public record TypedData(
    Map<String, List<Field>> types, String primaryType, ObjectNode domain, ObjectNode message) {

  public record Field(String name, String type) {}

  static final String DOMAIN_TYPE = "EIP712Domain";

  public TypedData {
    types = Map.copyOf(types);
    domain = domain.deepCopy();
    message = message.deepCopy();
  }

  public static TypedData parse(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new InvalidRequestException(path, "must be a typed-data object");
    }
    JsonNode typesNode = node.get("types");
    if (typesNode == null || !typesNode.isObject()) {
      throw new InvalidRequestException(path + ".types", "must be an object");
    }
    Map<String, List<Field>> types = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> type : typesNode.properties()) {
      String at = path + ".types." + type.getKey();
      if (!type.getValue().isArray()) {
        throw new InvalidRequestException(at, "must be an array of {name, type}");
      }
      List<Field> fields = new java.util.ArrayList<>();
      for (JsonNode field : type.getValue()) {
        String fieldAt = at + "[" + fields.size() + "]";
        fields.add(new Field(EvmJson.text(field, "name", fieldAt + ".name"),
            EvmJson.text(field, "type", fieldAt + ".type")));
      }
      types.put(type.getKey(), List.copyOf(fields));
    }
    String primaryType = EvmJson.text(node, "primaryType", path + ".primaryType");
    if (!types.containsKey(primaryType) || primaryType.equals(DOMAIN_TYPE)) {
      throw new InvalidRequestException(path + ".primaryType", "must name a struct in types other than EIP712Domain");
    }
    JsonNode domain = node.get("domain");
    JsonNode message = node.get("message");
    if (domain == null || !domain.isObject()) {
      throw new InvalidRequestException(path + ".domain", "must be an object");
    }
    if (message == null || !message.isObject()) {
      throw new InvalidRequestException(path + ".message", "must be an object");
    }
    TypedData data = new TypedData(types, primaryType, (ObjectNode) domain, (ObjectNode) message);
    data.digest(); // every field is checked now, so a bad document is a 400 before any key is touched
    return data;
  }

  /** The document as JSON again (for a vault in another process, which re-parses it). */
  public ObjectNode toJson() {
    ObjectNode json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    ObjectNode typesJson = json.putObject("types");
    types.forEach((name, fields) -> {
      var array = typesJson.putArray(name);
      fields.forEach(f -> array.addObject().put("name", f.name()).put("type", f.type()));
    });
    json.put("primaryType", primaryType);
    json.set("domain", domain.deepCopy());
    json.set("message", message.deepCopy());
    return json;
  }

  public byte[] domainSeparator() {
    return new TypedDataEncoder(this).domainSeparator();
  }

  public byte[] digest() {
    TypedDataEncoder encoder = new TypedDataEncoder(this);
    return Keccak.hash(new byte[] {0x19, 0x01}, encoder.domainSeparator(), encoder.messageHash());
  }

  /** The domain fields a policy decides on. */
  public Eip712Domain eip712Domain() {
    return new Eip712Domain(
        domain.hasNonNull("name") ? domain.get("name").asText() : null,
        domain.hasNonNull("version") ? domain.get("version").asText() : null,
        EvmJson.optionalQuantity(domain, "chainId", "typedData.domain.chainId"),
        domain.hasNonNull("verifyingContract")
            ? EvmJson.address(domain, "verifyingContract", "typedData.domain.verifyingContract") : null,
        domain.hasNonNull("salt") ? EvmJson.bytes(domain, "salt", "typedData.domain.salt", 32) : null);
  }

}
