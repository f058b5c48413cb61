package dev.palisade.server.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.Identity;
import dev.palisade.auth.Scope;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.signing.InvalidRequestException;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmJson;
import dev.palisade.evm.EvmRequestBodies;
import dev.palisade.evm.EvmSignature;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.evm.EvmTransaction;
import dev.palisade.evm.PersonalMessage;
import dev.palisade.evm.TypedData;
import dev.palisade.server.http.ApiException;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;
import java.nio.charset.StandardCharsets;

/**
 * Typed REST ({@code /api/v1/evm/...}), Web3Signer eth1 ({@code /api/v1/eth1/...}) and EVM key
 * management. Each handler takes the authenticated caller and answers JSON (or hex for eth1 sign).
 */
final class EvmRestApi {
  private final EvmApi api;

  EvmRestApi(EvmApi api) {
    this.api = api;
  }

  JsonNode signTransaction(Identity caller, Optional<InetAddress> source, String addressParam, byte[] body) {
    Address address = EvmApi.address(addressParam, "address");
    EvmTransaction tx = EvmApi.transaction(json(body), address, "transaction");
    EvmSignature signature = api.sign(caller, source, address, new EvmSigningRequest.Transaction(tx));
    ObjectNode out = EvmApi.signedTransaction(tx, signature);
    out.put("signingHash", Hex.encode(tx.signingHash()));
    return out;
  }

  /** Body {"message": "...", "encoding": "utf8" | "hex"}: text is signed as its UTF-8 bytes. */
  JsonNode signEip191(Identity caller, Optional<InetAddress> source, String addressParam, byte[] body) {
    Address address = EvmApi.address(addressParam, "address");
    JsonNode json = json(body);
    PersonalMessage message;
    try {
      message = EvmRequestBodies.personal(json);
    } catch (InvalidRequestException e) {
      throw new ApiException.BadRequest(e.field(), e.getMessage());
    }
    EvmSignature signature = api.sign(caller, source, address, new EvmSigningRequest.PersonalSign(message));
    ObjectNode out = EvmApi.JSON.createObjectNode();
    out.put("signature", signature.toRsvHex());
    out.put("digest", Hex.encode(message.digest()));
    return out;
  }

  /** Body: the EIP-712 document ({types, primaryType, domain, message}). */
  JsonNode signEip712(Identity caller, Optional<InetAddress> source, String addressParam, byte[] body) {
    Address address = EvmApi.address(addressParam, "address");
    TypedData data = typedData(json(body), "typedData");
    EvmSignature signature = api.sign(caller, source, address, new EvmSigningRequest.TypedDataSign(data));
    ObjectNode out = EvmApi.JSON.createObjectNode();
    out.put("signature", signature.toRsvHex());
    out.put("digest", Hex.encode(data.digest()));
    out.put("domainSeparator", Hex.encode(data.domainSeparator()));
    return out;
  }

  /** Web3Signer eth1 sign: {"data": "0x…"}, signs keccak256(data); needs sign:evm:raw. */
  String signRaw(Identity caller, Optional<InetAddress> source, String identifier, byte[] body) {
    Address address = EvmApi.address(identifier, "identifier");
    byte[] data;
    try {
      data = EvmJson.bytes(json(body), "data", "data", -1);
    } catch (InvalidRequestException e) {
      throw new ApiException.BadRequest(e.field(), e.getMessage());
    }
    return api.sign(caller, source, address, new EvmSigningRequest.RawData(data)).toRsvHex();
  }

  /** Web3Signer eth1 publicKeys lists public keys; we list the accounts' checksummed addresses. */
  JsonNode accounts(Identity caller) {
    ArrayNode out = EvmApi.JSON.createArrayNode();
    api.accounts(caller).forEach(a -> out.add(a.toString()));
    return out;
  }

  /** {"generate": true} or {"keystore": "<v3 JSON>", "password": "…"}; needs keys:write. */
  JsonNode addKey(Identity caller, byte[] body) {
    requireScope(caller, Scope.KEYS_WRITE);
    JsonNode json = json(body);
    Address address;
    if (json.path("generate").asBoolean(false)) {
      address = EvmApi.withKeyErrors(() -> api.keys().generate(EvmApi.actor(caller)));
    } else {
      JsonNode keystore = json.get("keystore");
      if (keystore == null || keystore.isNull()) {
        throw new ApiException.BadRequest("keystore", "keystore: is required (or \"generate\": true)");
      }
      String keystoreJson = keystore.isTextual() ? keystore.asText() : keystore.toString();
      if (!json.path("password").isTextual()) {
        throw new ApiException.BadRequest("password", "password: must be a string");
      }
      String password = json.get("password").asText();
      address = EvmApi.withKeyErrors(() -> api.keys().importKeystore(EvmApi.actor(caller), keystoreJson, password));
    }
    ObjectNode out = EvmApi.JSON.createObjectNode();
    out.put("address", address.toString());
    return out;
  }

  JsonNode listKeys(Identity caller) {
    requireScope(caller, Scope.KEYS_READ);
    ArrayNode out = EvmApi.JSON.createArrayNode();
    api.keys().list(caller.operator()).forEach(a -> out.addObject().put("address", a.toString()));
    ObjectNode answer = EvmApi.JSON.createObjectNode();
    answer.set("data", out);
    return answer;
  }

  JsonNode deleteKey(Identity caller, String addressParam) {
    requireScope(caller, Scope.KEYS_WRITE);
    Address address = EvmApi.address(addressParam, "address");
    if (!api.keys().delete(EvmApi.actor(caller), address)) {
      throw new ApiException.UnknownKey(address.toString());
    }
    ObjectNode out = EvmApi.JSON.createObjectNode();
    out.put("deleted", address.toString());
    return out;
  }

  private static void requireScope(Identity caller, Scope scope) {
    if (!caller.scopes().grants(scope)) {
      throw new ApiException.Forbidden("missing scope " + scope.wireName());
    }
  }

  static TypedData typedData(JsonNode node, String path) {
    try {
      // eth_signTypedData_v4 clients often send the document as a JSON string.
      JsonNode document = node != null && node.isTextual() ? EvmApi.JSON.readTree(node.asText()) : node;
      return TypedData.parse(document, path);
    } catch (InvalidRequestException e) {
      throw new ApiException.BadRequest(e.field(), e.getMessage());
    } catch (IOException e) {
      throw new ApiException.BadRequest(path, path + ": is not valid JSON");
    }
  }

  static JsonNode json(byte[] body) {
    try {
      JsonNode node = EvmApi.JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw new ApiException.BadRequest(null, "the body must be a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new ApiException.BadRequest(null, "the body is not valid JSON");
    }
  }

}
