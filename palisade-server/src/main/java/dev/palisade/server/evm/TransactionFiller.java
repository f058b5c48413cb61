package dev.palisade.server.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.evm.Address;
import dev.palisade.server.http.ApiException;
import java.math.BigInteger;

/**
 * Fills what {@code eth_sendTransaction} leaves out, from the downstream node, as geth does: chain id,
 * nonce (pending count), gas (estimate) and fees (EIP-1559: max fee = 2 × base fee + tip; a node without
 * a base fee gets a legacy gas price). Given fields are never changed; the result is then parsed and
 * signed like any eth_signTransaction object.
 */
final class TransactionFiller {
  private TransactionFiller() {}

  static ObjectNode fill(ObjectNode tx, Address from, Downstream node) {
    ObjectNode out = tx.deepCopy();
    if (!out.hasNonNull("chainId")) {
      out.set("chainId", node.call("eth_chainId"));
    }
    if (!out.hasNonNull("nonce")) {
      out.set("nonce", node.call("eth_getTransactionCount", from.lowerHex(), "pending"));
    }
    if (!out.hasNonNull("gas") && !out.hasNonNull("gasLimit")) {
      ObjectNode call = EvmApi.JSON.createObjectNode();
      call.put("from", from.lowerHex());
      for (String field : new String[] {"to", "value", "input", "data", "accessList", "authorizationList"}) {
        if (out.hasNonNull(field)) {
          call.set(field, out.get(field));
        }
      }
      out.set("gas", node.call("eth_estimateGas", call));
    }
    boolean legacy = out.hasNonNull("gasPrice");
    if (!legacy && !out.hasNonNull("maxFeePerGas")) {
      JsonNode block = node.call("eth_getBlockByNumber", "latest", false);
      if (!block.hasNonNull("baseFeePerGas")) {
        out.set("gasPrice", node.call("eth_gasPrice"));
      } else {
        BigInteger tip = out.hasNonNull("maxPriorityFeePerGas")
            ? quantity(out.get("maxPriorityFeePerGas")) : quantity(node.call("eth_maxPriorityFeePerGas"));
        BigInteger maxFee = quantity(block.get("baseFeePerGas")).shiftLeft(1).add(tip);
        out.put("maxPriorityFeePerGas", "0x" + tip.toString(16));
        out.put("maxFeePerGas", "0x" + maxFee.toString(16));
      }
    }
    return out;
  }

  private static BigInteger quantity(JsonNode node) {
    String text = node.asText();
    try {
      return text.startsWith("0x") ? new BigInteger(text.substring(2), 16) : new BigInteger(text);
    } catch (NumberFormatException e) {
      throw new ApiException.Unavailable("downstream node answered a malformed quantity");
    }
  }
}
