package dev.palisade.server.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.Identity;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.signing.InvalidRequestException;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmJson;
import dev.palisade.evm.EvmSignature;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.evm.EvmTransaction;
import dev.palisade.evm.PersonalMessage;
import dev.palisade.evm.TypedData;
import dev.palisade.server.http.ApiException;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC 2.0 at {@code POST /}, the methods of Web3Signer's eth1 mode. Every failure after
 * authentication is a JSON-RPC error object (HTTP 200), mapped from the signing exceptions in
 * {@link #error}: the one place that decides JSON-RPC error codes.
 */
final class JsonRpc {
  private static final Logger LOG = LoggerFactory.getLogger(JsonRpc.class);
  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INVALID_PARAMS = -32602;
  static final int INTERNAL_ERROR = -32603;
  /** Server-defined: refused (scope, unknown account, policy) or unavailable; the message says which. */
  static final int REFUSED = -32000;

  private final EvmApi api;
  private final EvmRestApi rest;

  JsonRpc(EvmApi api, EvmRestApi rest) {
    this.api = api;
    this.rest = rest;
  }

  JsonNode handle(Identity caller, Optional<InetAddress> source, byte[] body) {
    JsonNode request;
    try {
      request = EvmApi.JSON.readTree(body);
    } catch (IOException e) {
      return error(null, PARSE_ERROR, "parse error", null);
    }
    if (request == null || !request.isObject() || !"2.0".equals(request.path("jsonrpc").asText())
        || !request.path("method").isTextual()) {
      return error(request == null ? null : request.get("id"), INVALID_REQUEST,
          "invalid request: a JSON-RPC 2.0 object with a method is required (no batches)", null);
    }
    JsonNode id = request.get("id");
    JsonNode params = request.hasNonNull("params") ? request.get("params") : EvmApi.JSON.createArrayNode();
    String method = request.get("method").asText();
    try {
      if (!SIGNING_METHODS.contains(method) && api.downstream().isPresent() && isReadOnly(method)) {
        if (!api.canUseDownstream(caller)) {
          throw new ApiException.Forbidden("missing scope keys:read (or any sign:evm scope)");
        }
        return api.downstream().get().forward(id, method, params);
      }
      ObjectNode response = EvmApi.JSON.createObjectNode();
      response.put("jsonrpc", "2.0");
      response.set("id", id);
      response.set("result", dispatch(caller, source, method, params));
      return response;
    } catch (RuntimeException e) {
      return error(id, e);
    }
  }

  private static final java.util.Set<String> SIGNING_METHODS = java.util.Set.of("eth_accounts", "eth_chainId",
      "eth_signTransaction", "eth_sign", "personal_sign", "eth_signTypedData_v4", "eth_sendTransaction");

  /** Chain reads a wallet library makes (nonce, gas, fees, receipts) go to the downstream node; nothing else. */
  private static boolean isReadOnly(String method) {
    return (method.startsWith("eth_") && !method.startsWith("eth_sign") && !method.equals("eth_sendTransaction"))
        || method.equals("net_version") || method.equals("web3_clientVersion");
  }

  private JsonNode dispatch(Identity caller, Optional<InetAddress> source, String method, JsonNode params) {
    return switch (method) {
      case "eth_accounts" -> rest.accounts(caller);
      case "eth_chainId" -> api.chainId().map(c -> (JsonNode) EvmApi.JSON.getNodeFactory().textNode("0x" + c.toString(16)))
          .orElseThrow(() -> new ApiException.Unavailable("no chain id configured (--evm-chain-id)"));
      case "eth_signTransaction" -> {
        JsonNode tx = param(params, 0, "params[0]");
        Address from = EvmApi.address(tx.path("from").asText(null), "params[0].from");
        EvmTransaction transaction = EvmApi.transaction(tx, from, "params[0]");
        EvmSignature signature = api.sign(caller, source, from, new EvmSigningRequest.Transaction(transaction));
        yield text(Hex.encode(transaction.signedEncoding(signature)));
      }
      case "eth_sign" -> personal(caller, source, param(params, 0, "params[0]"), param(params, 1, "params[1]"), 0, 1);
      case "personal_sign" -> personal(caller, source, param(params, 1, "params[1]"), param(params, 0, "params[0]"), 1, 0);
      case "eth_signTypedData_v4" -> {
        Address address = EvmApi.address(param(params, 0, "params[0]").asText(null), "params[0]");
        TypedData data = EvmRestApi.typedData(param(params, 1, "params[1]"), "params[1]");
        yield text(api.sign(caller, source, address, new EvmSigningRequest.TypedDataSign(data)).toRsvHex());
      }
      case "eth_sendTransaction" -> {
        Downstream node = api.downstream().orElseThrow(() -> new ApiException.Unavailable(
            "eth_sendTransaction needs a downstream node (--evm-downstream-url)"));
        JsonNode given = param(params, 0, "params[0]");
        if (!given.isObject()) {
          throw new ApiException.BadRequest("params[0]", "params[0]: must be a transaction object");
        }
        Address from = EvmApi.address(given.path("from").asText(null), "params[0].from");
        api.requireSignable(caller, from, dev.palisade.auth.Scope.SIGN_EVM_TX); // before asking the node anything
        ObjectNode filled = TransactionFiller.fill((ObjectNode) given, from, node);
        EvmTransaction transaction = EvmApi.transaction(filled, from, "params[0]");
        EvmSignature signature = api.sign(caller, source, from, new EvmSigningRequest.Transaction(transaction));
        yield node.call("eth_sendRawTransaction", Hex.encode(transaction.signedEncoding(signature)));
      }
      default -> throw new MethodNotFound(method);
    };
  }

  /** eth_sign(address, data) and personal_sign(data, address): data is hex bytes, signed per EIP-191. */
  private JsonNode personal(Identity caller, Optional<InetAddress> source, JsonNode addressNode, JsonNode dataNode, int addressAt, int dataAt) {
    Address address = EvmApi.address(addressNode.asText(null), "params[" + addressAt + "]");
    byte[] data;
    try {
      data = EvmJson.bytes(dataNode, "params[" + dataAt + "]", -1);
    } catch (InvalidRequestException e) {
      throw new ApiException.BadRequest(e.field(), e.getMessage());
    }
    PersonalMessage message = new PersonalMessage(data);
    return text(api.sign(caller, source, address, new EvmSigningRequest.PersonalSign(message)).toRsvHex());
  }

  private static JsonNode param(JsonNode params, int index, String field) {
    if (!params.isArray() || params.size() <= index || params.get(index).isNull()) {
      throw new ApiException.BadRequest(field, field + ": is required");
    }
    return params.get(index);
  }

  private static JsonNode text(String value) {
    return EvmApi.JSON.getNodeFactory().textNode(value);
  }

  private static final class MethodNotFound extends RuntimeException {
    MethodNotFound(String method) {
      super("method not found: " + (method.length() > 64 ? method.substring(0, 64) + "…" : method), null, false, false);
    }
  }

  /** The one mapping from a failure to a JSON-RPC error object. */
  static ObjectNode error(JsonNode id, RuntimeException failure) {
    if (failure instanceof MethodNotFound) {
      return error(id, METHOD_NOT_FOUND, failure.getMessage(), null);
    }
    if (failure instanceof ApiException.BadRequest bad) {
      return error(id, INVALID_PARAMS, bad.getMessage(), bad.field());
    }
    if (failure instanceof ApiException.Refused refused) {
      return error(id, REFUSED, refused.getMessage(), refused.rule());
    }
    if (failure instanceof ApiException.ApprovalRequired pending) {
      ObjectNode response = error(id, REFUSED, pending.getMessage(), "approval_required");
      ((ObjectNode) response.get("error").get("data")).put("approval_id", pending.approvalId());
      return response;
    }
    if (failure instanceof ApiException) {
      return error(id, REFUSED, failure.getMessage(), null); // forbidden, unknown account, unavailable
    }
    LOG.error("unexpected failure in JSON-RPC", failure);
    return error(id, INTERNAL_ERROR, "internal error", null);
  }

  static ObjectNode error(JsonNode id, int code, String message, String detail) {
    ObjectNode response = EvmApi.JSON.createObjectNode();
    response.put("jsonrpc", "2.0");
    response.set("id", id);
    ObjectNode error = response.putObject("error");
    error.put("code", code);
    error.put("message", message);
    if (detail != null) {
      error.putObject("data").put(code == INVALID_PARAMS ? "field" : "rule", detail);
    }
    return response;
  }

}
