package dev.palisade.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.IdentityId;
import dev.palisade.auth.OperatorId;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.evm.PersonalMessage;
import dev.palisade.evm.TransactionJson;
import dev.palisade.evm.TypedData;
import java.time.Instant;
import java.util.Optional;

/** EVM policy requests: transactions as the JSON-RPC object, messages, typed data. */
public final class EvmRequests {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final Address ACCOUNT = Address.parse("0x" + "a1".repeat(20));
  public static final String RECEIVER = "0x" + "44".repeat(20);
  public static final String TOKEN = "0x" + "70".repeat(20);
  public static final String SPENDER = "0x" + "5e".repeat(20);

  private EvmRequests() {}

  /** A type-2 transfer on chain 1: gas 21000 at max fee 1 gwei (cost 21000 gwei), {@code value} wei. */
  public static ObjectNode tx(String value) {
    ObjectNode tx = JSON.createObjectNode();
    tx.put("chainId", "1");
    tx.put("nonce", "0");
    tx.put("gas", "21000");
    tx.put("maxFeePerGas", "1000000000");
    tx.put("maxPriorityFeePerGas", "1");
    tx.put("to", RECEIVER);
    tx.put("value", value);
    return tx;
  }

  /** A call to {@link #TOKEN}: selector, an address word, and (for transferFrom) a second one, then the amount. */
  public static ObjectNode erc20(String selector, String first, String second, java.math.BigInteger amount) {
    ObjectNode tx = tx("0");
    tx.put("to", TOKEN);
    String data = "0x" + selector + word(first) + (second == null ? "" : word(second))
        + String.format("%64s", amount.toString(16)).replace(' ', '0');
    tx.put("input", data);
    return tx;
  }

  private static String word(String address) {
    return "00".repeat(12) + address.substring(2).toLowerCase();
  }

  public static EvmSigningRequest transaction(ObjectNode tx) {
    return new EvmSigningRequest.Transaction(TransactionJson.parse(tx, "tx"));
  }

  public static EvmSigningRequest personal(String text) {
    return new EvmSigningRequest.PersonalSign(PersonalMessage.ofText(text));
  }

  /** A one-field EIP-712 document in the domain {chainId, verifyingContract}. */
  public static EvmSigningRequest typed(long chainId, String verifyingContract) {
    try {
      return new EvmSigningRequest.TypedDataSign(TypedData.parse(JSON.readTree("""
          {"types":{"EIP712Domain":[{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],
           "Note":[{"name":"text","type":"string"}]},
           "primaryType":"Note","domain":{"chainId":%d,"verifyingContract":"%s"},"message":{"text":"hi"}}
          """.formatted(chainId, verifyingContract)), "typedData"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static PolicyRequest of(EvmSigningRequest request, String identity, Instant time) {
    return new PolicyRequest(new PolicySubject.Evm(request, ACCOUNT), IdentityId.of(identity), OperatorId.of("default"),
        Optional.empty(), time);
  }

  public static PolicyRequest of(EvmSigningRequest request) {
    return of(request, "wallet", Requests.NOW);
  }
}
