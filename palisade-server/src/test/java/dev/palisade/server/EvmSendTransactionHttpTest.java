package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.palisade.auth.Credential;
import dev.palisade.auth.NewIdentity;
import dev.palisade.auth.OperatorId;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import dev.palisade.evm.Keccak;
import dev.palisade.server.evm.EvmApi;
import dev.palisade.server.keys.Actor;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eth_sendTransaction against a stub EVM node (a real node is not started here): missing chain id,
 * nonce, gas and fees are filled from it, the transaction is signed exactly as eth_signTransaction
 * signs the filled object, and the raw transaction is what the node receives. A caller without the
 * scope gets an error before the node is asked anything.
 */
class EvmSendTransactionHttpTest {
  @TempDir Path temp;

  @Test
  void fillsSignsAndForwards() throws Exception {
    List<String> methods = new CopyOnWriteArrayList<>();
    List<String> raws = new CopyOnWriteArrayList<>();
    HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stub.createContext("/", exchange -> {
      JsonNode request = TenantNode.read(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      String method = request.get("method").asText();
      methods.add(method);
      String result = switch (method) {
        case "eth_chainId" -> "\"0x1\"";
        case "eth_getTransactionCount" -> "\"0x9\"";
        case "eth_estimateGas" -> "\"0x5208\"";
        case "eth_getBlockByNumber" -> "{\"baseFeePerGas\":\"0x4a817c800\"}";
        case "eth_maxPriorityFeePerGas" -> "\"0x3b9aca00\"";
        case "eth_sendRawTransaction" -> {
          String raw = request.get("params").get(0).asText();
          raws.add(raw);
          yield "\"" + Hex.encode(Keccak.hash(Hex.decode(raw))) + "\"";
        }
        default -> null;
      };
      byte[] body = (result == null
          ? "{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"error\":{\"code\":-32601,\"message\":\"nope\"}}"
          : "{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":" + result + "}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    stub.start();
    JsonNode vector = EvmVectors.load("eip191.json").get(0);
    String from = vector.get("address").asText();
    try (PalisadeNode node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp.resolve("data"))
        .withEvm(new EvmApi.EvmConfig(Optional.empty(),
            Optional.of(URI.create("http://127.0.0.1:" + stub.getAddress().getPort() + "/")))))) {
      node.keys().evm().importKeystore(new Actor("test", OperatorId.of("default")),
          EvmVectors.keystore(vector.get("secretKey").asText(), "pw"), "pw");
      String wallet = token(node, "wallet", "sign:evm:tx");
      String reader = token(node, "reader", "keys:read");

      JsonNode denied = rpc(node, reader, "eth_sendTransaction", "{\"from\":\"" + from + "\",\"to\":\"" + from + "\"}");
      assertEquals(-32000, denied.get("error").get("code").asInt(), denied.toString());
      assertEquals(List.of(), methods, "nothing is asked of the node for a caller who may not sign");

      String partial = "{\"from\":\"" + from + "\",\"to\":\"0x3535353535353535353535353535353535353535\",\"value\":\"0x1\"}";
      JsonNode sent = rpc(node, wallet, "eth_sendTransaction", partial);
      assertEquals(1, raws.size(), sent.toString());
      assertEquals(Hex.encode(Keccak.hash(Hex.decode(raws.get(0)))), sent.get("result").asText());
      assertTrue(methods.containsAll(List.of("eth_chainId", "eth_getTransactionCount", "eth_estimateGas",
          "eth_getBlockByNumber", "eth_maxPriorityFeePerGas")), methods.toString());

      // Reads a wallet library makes are proxied to the node, with the caller's id.
      JsonNode count = rpc(node, wallet, "eth_getTransactionCount", "\"" + from + "\",\"pending\"");
      assertEquals("0x9", count.get("result").asText(), count.toString());
      assertEquals(3, count.get("id").asInt());
      assertEquals(-32601, rpc(node, wallet, "debug_traceTransaction", "\"0x00\"").get("error").get("code").asInt(),
          "only eth_ reads are proxied");
      String validator = token(node, "validator", "validate");
      assertEquals(-32000, rpc(node, validator, "eth_blockNumber", "").get("error").get("code").asInt(),
          "an identity without EVM scopes gets no proxy");
      // The node received exactly the signature of the filled object: max fee = 2 × 20 gwei + 1 gwei.
      ObjectNode filled = (ObjectNode) TenantNode.read(partial);
      filled.put("chainId", "0x1").put("nonce", "0x9").put("gas", "0x5208")
          .put("maxPriorityFeePerGas", "0x3b9aca00")
          .put("maxFeePerGas", "0x" + BigInteger.valueOf(41_000_000_000L).toString(16));
      assertEquals(raws.get(0), rpc(node, wallet, "eth_signTransaction", filled.toString()).get("result").asText());

      // Policies see the filled transaction: gas cost exactly at its limit, 1 wei per tx, 2 wei per hour.
      String admin = token(node, "policy-admin", "admin");
      HttpResponse<String> set = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + node.port() + "/admin/v1/policies/key/" + from))
          .header("Authorization", "Bearer " + admin)
          .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("rules: {evm_transaction: {max_value: 1, max_gas_cost: '"
              + BigInteger.valueOf(21_000L * 41_000_000_000L) + "'}, evm_value_windows: [{max: 2, window: PT1H}]}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, set.statusCode(), set.body());
      String two = partial.replace("\"0x1\"", "\"0x2\"");
      assertEquals("evm_value", rpc(node, wallet, "eth_sendTransaction", two).get("error").get("data").get("rule").asText());
      assertTrue(rpc(node, wallet, "eth_sendTransaction", partial).has("result"));
      assertTrue(rpc(node, wallet, "eth_sendTransaction", partial).has("result"));
      JsonNode overWindow = rpc(node, wallet, "eth_sendTransaction", partial);
      assertEquals("evm_value_window", overWindow.get("error").get("data").get("rule").asText(), overWindow.toString());
      assertEquals(3, raws.size(), "refused transactions never reach the node");
    } finally {
      stub.stop(0);
    }
  }

  private static String token(PalisadeNode node, String name, String scopes) {
    return node.access().store().createIdentity(NewIdentity.of(name, "default", new Credential.BearerToken(), scopes))
        .secret().orElseThrow().reveal();
  }

  private static JsonNode rpc(PalisadeNode node, String token, String method, String param) throws Exception {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"" + method + "\",\"params\":[" + param + "]}";
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/"))
            .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return TenantNode.read(response.body());
  }
}
