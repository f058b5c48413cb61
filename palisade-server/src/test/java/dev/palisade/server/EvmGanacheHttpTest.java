package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.Credential;
import dev.palisade.auth.NewIdentity;
import dev.palisade.auth.OperatorId;
import dev.palisade.eth2.Networks;
import dev.palisade.server.evm.EvmApi;
import dev.palisade.server.keys.Actor;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eth_sendTransaction against a real EVM node (ganache, started and stopped here): a transfer with no
 * nonce, gas or fees lands — its receipt has status 1 and the recipient's balance is the value — and a
 * second one gets the next nonce. Reads go through Palisade's proxy to the node.
 */
class EvmGanacheHttpTest {
  static final long CHAIN_ID = 1337;
  static final String RECIPIENT = "0x3535353535353535353535353535353535353535";
  @TempDir Path temp;

  @Test
  void aTransferLandsWithNonceGasAndFeesFilledIn() throws Exception {
    JsonNode vector = EvmVectors.load("eip191.json").get(0);
    String from = vector.get("address").asText();
    try (Ganache ganache = Ganache.start(CHAIN_ID, vector.get("secretKey").asText());
        PalisadeNode node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp.resolve("data"))
            .withEvm(new EvmApi.EvmConfig(Optional.of(BigInteger.valueOf(CHAIN_ID)), Optional.of(ganache.url()))))) {
      node.keys().evm().importKeystore(new Actor("test", OperatorId.of("default")),
          EvmVectors.keystore(vector.get("secretKey").asText(), "pw"), "pw");
      String token = node.access().store().createIdentity(NewIdentity.of("wallet", "default",
          new Credential.BearerToken(), "sign:evm:tx")).secret().orElseThrow().reveal();

      String first = rpc(node, token, "eth_sendTransaction",
          "{\"from\":\"" + from + "\",\"to\":\"" + RECIPIENT + "\",\"value\":\"0x1234\"}").get("result").asText();
      JsonNode receipt = rpc(node, token, "eth_getTransactionReceipt", "\"" + first + "\"").get("result");
      assertEquals("0x1", receipt.get("status").asText(), receipt.toString());
      assertEquals(from.toLowerCase(), receipt.get("from").asText().toLowerCase());
      assertEquals("0x1234", rpc(node, token, "eth_getBalance", "\"" + RECIPIENT + "\",\"latest\"").get("result").asText());

      String second = rpc(node, token, "eth_sendTransaction",
          "{\"from\":\"" + from + "\",\"to\":\"" + RECIPIENT + "\",\"value\":\"0x1\"}").get("result").asText();
      JsonNode tx = rpc(node, token, "eth_getTransactionByHash", "\"" + second + "\"").get("result");
      assertEquals("0x1", tx.get("nonce").asText(), "the pending nonce was filled in");
      assertEquals("0x2", tx.get("type").asText(), "EIP-1559 fees were filled in");
      assertEquals("0x1235", rpc(node, token, "eth_getBalance", "\"" + RECIPIENT + "\",\"latest\"").get("result").asText());
    }
  }

  private static JsonNode rpc(PalisadeNode node, String token, String method, String params) throws Exception {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"" + method + "\",\"params\":[" + params + "]}";
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/"))
            .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    JsonNode answer = TenantNode.read(response.body());
    if (answer.has("error")) {
      throw new AssertionError(method + ": " + answer);
    }
    return answer;
  }
}
