package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.eth2.Hex;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of the EVM vectors signed through the HTTP API of a real node (loopback, sealed KEKs):
 * keys imported as v3 keystores through the admin API (the KeyRegistry), then every transaction
 * through JSON-RPC eth_signTransaction and typed REST, every EIP-191 message through personal_sign
 * and REST, every EIP-712 document through eth_signTypedData_v4 and REST, byte for byte. Also
 * tenancy (another operator's account is 404, as an unknown one) and scopes. EIP-191, EIP-712, raw and
 * EIP-7702 are enabled by an operator policy set through the admin API (they are off by default).
 */
class EvmVectorsHttpTest {
  @TempDir static Path data;
  static TenantNode node;
  static String admin;
  static String signer;
  static final List<JsonNode> TXS = EvmVectors.load("transactions.json");
  static final List<JsonNode> EIP191 = EvmVectors.load("eip191.json");
  static final List<JsonNode> EIP712 = EvmVectors.load("eip712.json");

  @BeforeAll
  static void start() {
    node = TenantNode.start(data, null);
    admin = node.identity("evm-admin", "default", "keys:read,keys:write");
    signer = node.identity("evm-signer", "default", "sign:evm:tx,sign:evm:eip191,sign:evm:eip712");
    Set<String> secrets = new LinkedHashSet<>();
    for (List<JsonNode> file : List.of(TXS, EIP191, EIP712)) {
      file.forEach(v -> secrets.add(v.get("secretKey").asText() + " " + v.get("address").asText()));
    }
    for (String entry : secrets) {
      String[] parts = entry.split(" ");
      ObjectNode body = EvmVectors.JSON.createObjectNode();
      body.put("keystore", EvmVectors.keystore(parts[0], "pw"));
      body.put("password", "pw");
      HttpResponse<String> response = node.call("POST", "/admin/v1/evm/keys", admin, body.toString());
      assertEquals(201, response.statusCode(), response.body());
      assertEquals(parts[1], TenantNode.read(response.body()).get("address").asText());
    }
    node.setPolicy("default", "operator", "default", EvmVectors.openPolicy());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static JsonNode rpc(String token, String method, JsonNode... params) {
    ObjectNode request = EvmVectors.JSON.createObjectNode();
    request.put("jsonrpc", "2.0");
    request.put("id", 7);
    request.put("method", method);
    ArrayNode array = request.putArray("params");
    for (JsonNode param : params) {
      array.add(param);
    }
    HttpResponse<String> response = node.call("POST", "/", token, request.toString());
    assertEquals(200, response.statusCode(), response.body());
    JsonNode answer = TenantNode.read(response.body());
    assertEquals(7, answer.get("id").asInt());
    return answer;
  }

  static JsonNode text(String value) {
    return EvmVectors.JSON.getNodeFactory().textNode(value);
  }

  @Test
  void everyTransactionThroughJsonRpcAndRest() {
    int signed = 0;
    for (JsonNode v : TXS) {
      ObjectNode tx = EvmVectors.rpcTransaction(v);
      JsonNode answer = rpc(signer, "eth_signTransaction", tx);
      assertEquals(v.get("signedSerialized").asText(), answer.path("result").asText(), v.get("name") + ": " + answer);
      HttpResponse<String> rest = node.call("POST", "/api/v1/evm/" + v.get("address").asText() + "/sign/transaction",
          signer, tx.toString());
      assertEquals(200, rest.statusCode(), rest.body());
      JsonNode body = TenantNode.read(rest.body());
      assertEquals(v.get("signedSerialized").asText(), body.get("raw").asText());
      assertEquals(v.get("txHash").asText(), body.get("hash").asText());
      assertEquals(v.get("signingHash").asText(), body.get("signingHash").asText());
      assertEquals(v.get("signature").get("serialized").asText(), body.get("signature").get("serialized").asText());
      signed++;
    }
    assertEquals(71, signed);
  }

  @Test
  void everyPersonalMessageThroughJsonRpcAndRest() {
    for (JsonNode v : EIP191) {
      boolean hex = v.get("messageEncoding").asText().equals("hex");
      byte[] bytes = hex ? Hex.decode(v.get("message").asText())
          : v.get("message").asText().getBytes(StandardCharsets.UTF_8);
      String expected = v.get("signature").get("serialized").asText();
      JsonNode answer = rpc(signer, "personal_sign", text(Hex.encode(bytes)), text(v.get("address").asText()));
      assertEquals(expected, answer.path("result").asText(), answer.toString());
      assertEquals(expected, rpc(signer, "eth_sign", text(v.get("address").asText()), text(Hex.encode(bytes)))
          .path("result").asText());
      ObjectNode body = EvmVectors.JSON.createObjectNode();
      body.put("message", v.get("message").asText());
      body.put("encoding", hex ? "hex" : "utf8");
      HttpResponse<String> rest = node.call("POST", "/api/v1/evm/" + v.get("address").asText() + "/sign/eip191",
          signer, body.toString());
      assertEquals(200, rest.statusCode(), rest.body());
      assertEquals(expected, TenantNode.read(rest.body()).get("signature").asText());
      assertEquals(v.get("digest").asText(), TenantNode.read(rest.body()).get("digest").asText());
    }
  }

  @Test
  void everyTypedDataDocumentThroughJsonRpcAndRest() {
    for (JsonNode v : EIP712) {
      String expected = v.get("signature").get("serialized").asText();
      JsonNode answer = rpc(signer, "eth_signTypedData_v4", text(v.get("address").asText()), v.get("typedData"));
      assertEquals(expected, answer.path("result").asText(), answer.toString());
      // MetaMask-style clients send the document as a string.
      assertEquals(expected, rpc(signer, "eth_signTypedData_v4", text(v.get("address").asText()),
          text(v.get("typedData").toString())).path("result").asText());
      HttpResponse<String> rest = node.call("POST", "/api/v1/evm/" + v.get("address").asText() + "/sign/eip712",
          signer, v.get("typedData").toString());
      assertEquals(200, rest.statusCode(), rest.body());
      JsonNode body = TenantNode.read(rest.body());
      assertEquals(expected, body.get("signature").asText());
      assertEquals(v.get("digest").asText(), body.get("digest").asText());
      assertEquals(v.get("domainSeparator").asText(), body.get("domainSeparator").asText());
    }
  }

  @Test
  void accountsAreTheOperatorsOnlyAndAnotherOperatorsAccountIsUnknown() {
    JsonNode accounts = rpc(signer, "eth_accounts").get("result");
    List<String> listed = new ArrayList<>();
    accounts.forEach(a -> listed.add(a.asText()));
    assertTrue(listed.contains(TXS.get(0).get("address").asText()), listed.toString());
    String opb = node.identity("opb-signer", "opb", "sign:evm:tx,sign:evm:eip191,sign:evm:eip712,keys:read");
    assertEquals(0, rpc(opb, "eth_accounts").get("result").size());
    HttpResponse<String> eth1 = node.call("GET", "/api/v1/eth1/publicKeys", opb, null);
    assertEquals("[]", eth1.body());
    JsonNode v = EIP191.get(0);
    String path = "/api/v1/evm/" + v.get("address").asText() + "/sign/eip191";
    HttpResponse<String> foreign = node.call("POST", path, opb, "{\"message\":\"hello\"}");
    HttpResponse<String> unknown = node.call("POST", "/api/v1/evm/0x" + "12".repeat(20) + "/sign/eip191", opb,
        "{\"message\":\"hello\"}");
    assertEquals(404, foreign.statusCode(), foreign.body());
    assertEquals(404, unknown.statusCode());
    assertEquals(TenantNode.read(unknown.body()).get("message").asText().replace("0x" + "12".repeat(20), "X"),
        TenantNode.read(foreign.body()).get("message").asText().replace(v.get("address").asText(), "X"));
    JsonNode rpcForeign = rpc(opb, "personal_sign", text("0x68656c6c6f"), text(v.get("address").asText()));
    assertEquals(JsonRpcCodes.REFUSED, rpcForeign.get("error").get("code").asInt());
    // opb cannot import default's key either: it is managed by another operator.
    String opbAdmin = node.identity("opb-admin", "opb", "keys:write");
    ObjectNode body = EvmVectors.JSON.createObjectNode();
    body.put("keystore", EvmVectors.keystore(v.get("secretKey").asText(), "x"));
    body.put("password", "x");
    assertEquals(409, node.call("POST", "/admin/v1/evm/keys", opbAdmin, body.toString()).statusCode());
  }

  @Test
  void scopesAreEnforcedPerKindAndRawNeedsItsOwnScope() {
    JsonNode v = EIP191.get(0);
    String address = v.get("address").asText();
    String txOnly = node.identity("tx-only", "default", "sign:evm:tx");
    HttpResponse<String> forbidden = node.call("POST", "/api/v1/evm/" + address + "/sign/eip191", txOnly,
        "{\"message\":\"hello\"}");
    assertEquals(403, forbidden.statusCode());
    assertTrue(forbidden.body().contains("sign:evm:eip191"), forbidden.body());
    // Raw data: the signer (all typed scopes) may not; an identity with sign:evm:raw may.
    byte[] prefixed = ("\u0019Ethereum Signed Message:\n5hello").getBytes(StandardCharsets.UTF_8);
    String rawBody = "{\"data\":\"" + Hex.encode(prefixed) + "\"}";
    assertEquals(403, node.call("POST", "/api/v1/eth1/sign/" + address, signer, rawBody).statusCode());
    String raw = node.identity("raw", "default", "sign:evm:raw");
    HttpResponse<String> signed = node.call("POST", "/api/v1/eth1/sign/" + address, raw, rawBody);
    assertEquals(200, signed.statusCode(), signed.body());
    // keccak256 of the EIP-191 prefixed bytes is the EIP-191 digest: the vector's signature.
    assertEquals(v.get("signature").get("serialized").asText(), signed.body());
    // Both outcomes are audited (asynchronously: poll), naming the account, never the content.
    String auditor = node.identity("auditor", "default", "admin");
    String rows = "";
    for (int i = 0; i < 50 && !(rows.contains("EVM_RAW") && rows.contains("EVM_EIP191")); i++) {
      rows = node.call("GET", "/admin/v1/audit?rows=200", auditor, null).body();
      sleep(100);
    }
    assertTrue(rows.contains("EVM_RAW") && rows.contains("EVM_EIP191") && rows.contains(address), rows);
    assertTrue(!rows.contains(Hex.encode(prefixed)), "the signed data is not in the audit log");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void badInputIsA400OrAJsonRpcErrorNamingTheField() {
    String address = TXS.get(1).get("address").asText();
    ObjectNode tx = EvmVectors.rpcTransaction(TXS.get(1));
    tx.put("gas", "0xzz");
    HttpResponse<String> rest = node.call("POST", "/api/v1/evm/" + address + "/sign/transaction", signer, tx.toString());
    assertEquals(400, rest.statusCode());
    assertEquals("transaction.gas", TenantNode.read(rest.body()).get("field").asText());
    JsonNode error = rpc(signer, "eth_signTransaction", tx).get("error");
    assertEquals(-32602, error.get("code").asInt());
    assertEquals("params[0].gas", error.get("data").get("field").asText());
    ObjectNode wrongFrom = EvmVectors.rpcTransaction(TXS.get(1));
    HttpResponse<String> mismatch = node.call("POST", "/api/v1/evm/" + TXS.get(2).get("address").asText()
        + "/sign/transaction", signer, wrongFrom.toString());
    assertEquals(400, mismatch.statusCode());
    assertEquals("transaction.from", TenantNode.read(mismatch.body()).get("field").asText());
    assertEquals(-32601, rpc(signer, "eth_nope").get("error").get("code").asInt());
    assertEquals(-32000, rpc(signer, "eth_chainId").get("error").get("code").asInt(), "no --evm-chain-id given");
    assertEquals(-32000, rpc(signer, "eth_sendTransaction", tx).get("error").get("code").asInt(), "no downstream");
    HttpResponse<String> notJson = node.call("POST", "/", signer, "{");
    assertEquals(-32700, TenantNode.read(notJson.body()).get("error").get("code").asInt());
    HttpResponse<String> badAddress = node.call("POST", "/api/v1/evm/0x1234/sign/eip191", signer, "{\"message\":\"a\"}");
    assertEquals(400, badAddress.statusCode());
  }

  /** JSON-RPC codes as the server defines them. */
  static final class JsonRpcCodes {
    static final int REFUSED = -32000;
  }
}
