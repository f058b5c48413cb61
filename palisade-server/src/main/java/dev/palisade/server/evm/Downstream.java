package dev.palisade.server.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.server.http.ApiException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The EVM node {@code eth_sendTransaction} forwards to ({@code --evm-downstream-url}): it fills a
 * transaction's missing nonce, chain id, gas and fees and receives the signed raw transaction. Its
 * failures are 503-like refusals that never echo the node's body beyond its error message.
 */
public final class Downstream {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final URI url;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final AtomicLong ids = new AtomicLong();

  public Downstream(URI url) {
    this.url = url;
  }

  /**
   * Forwards a read-only request as it came and returns the node's result or error, with the
   * caller's id (as Web3Signer's eth1 mode proxies what it does not sign).
   */
  ObjectNode forward(JsonNode id, String method, JsonNode params) {
    ObjectNode answer = EvmApi.JSON.createObjectNode();
    answer.put("jsonrpc", "2.0");
    answer.set("id", id);
    try {
      answer.set("result", call(method, params.isArray() ? toArray(params) : new Object[] {params}));
    } catch (ApiException.Unavailable e) {
      answer.putObject("error").put("code", -32000).put("message", e.getMessage());
    }
    return answer;
  }

  private static Object[] toArray(JsonNode params) {
    Object[] out = new Object[params.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = params.get(i);
    }
    return out;
  }

  JsonNode call(String method, Object... params) {
    ObjectNode request = EvmApi.JSON.createObjectNode();
    request.put("jsonrpc", "2.0");
    request.put("id", ids.incrementAndGet());
    request.put("method", method);
    ArrayNode array = request.putArray("params");
    for (Object param : params) {
      array.add(param instanceof JsonNode node ? node : EvmApi.JSON.valueToTree(param));
    }
    JsonNode answer;
    try {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(url).timeout(TIMEOUT)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(), HttpResponse.BodyHandlers.ofString());
      answer = EvmApi.JSON.readTree(response.body());
    } catch (IOException e) {
      throw new ApiException.Unavailable("downstream node unreachable (" + method + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException.Unavailable("interrupted calling the downstream node");
    }
    if (answer == null || answer.has("error") || !answer.has("result")) {
      String message = answer == null ? "no answer" : answer.path("error").path("message").asText("no result");
      throw new ApiException.Unavailable("downstream node refused " + method + ": "
          + (message.length() > 200 ? message.substring(0, 200) + "…" : message));
    }
    return answer.get("result");
  }
}
