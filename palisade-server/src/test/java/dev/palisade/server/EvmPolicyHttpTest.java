package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.eth2.Hex;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The EVM spending policies through HTTP on a real node, on each surface (typed REST, JSON-RPC,
 * Web3Signer eth1 sign): every limit just below, at and just above its boundary, signing checked against
 * the public vectors; EIP-191/712/raw off until a policy enables them; approvals; strict documents.
 */
class EvmPolicyHttpTest {
  @TempDir static Path data;
  static TenantNode node;
  static String signer;
  static String admin;
  /** tx-2-type2: chain 137, value 1658064041816398169654 wei, to and fees as in the vector. */
  static JsonNode tx;
  static final JsonNode MESSAGE = EvmVectors.load("eip191.json").get(0);
  static final JsonNode TYPED = EvmVectors.load("eip712.json").get(0);

  @BeforeAll
  static void start() {
    node = TenantNode.start(data, null);
    admin = node.identity("admin", "default", "admin,keys:write");
    signer = node.identity("wallet", "default", "sign:evm:tx,sign:evm:eip191,sign:evm:eip712,sign:evm:raw");
    tx = EvmVectors.load("transactions.json").stream().filter(v -> v.get("name").asText().equals("tx-2-type2"))
        .findFirst().orElseThrow();
    for (JsonNode v : List.of(tx, MESSAGE, TYPED)) {
      ObjectNode body = EvmVectors.JSON.createObjectNode();
      body.put("keystore", EvmVectors.keystore(v.get("secretKey").asText(), "pw"));
      body.put("password", "pw");
      HttpResponse<String> response = node.call("POST", "/admin/v1/evm/keys", admin, body.toString());
      assertTrue(response.statusCode() == 201 || response.statusCode() == 409, response.body());
    }
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static String address(JsonNode vector) {
    return vector.get("address").asText();
  }

  static void policy(JsonNode vector, String yaml) {
    HttpResponse<String> set = node.call("PUT", "/admin/v1/policies/key/" + address(vector), admin, yaml);
    assertEquals(200, set.statusCode(), set.body());
  }

  static HttpResponse<String> rest(JsonNode vector, String kind, String body) {
    return node.call("POST", "/api/v1/evm/" + address(vector) + "/sign/" + kind, signer, body);
  }

  static JsonNode rpc(String method, JsonNode... params) {
    ObjectNode request = EvmVectors.JSON.createObjectNode();
    request.put("jsonrpc", "2.0").put("id", 1).put("method", method);
    ArrayNode array = request.putArray("params");
    for (JsonNode param : params) {
      array.add(param);
    }
    HttpResponse<String> response = node.call("POST", "/", signer, request.toString());
    assertEquals(200, response.statusCode(), response.body());
    return TenantNode.read(response.body());
  }

  static JsonNode text(String value) {
    return EvmVectors.JSON.getNodeFactory().textNode(value);
  }

  /** The 412's rule, or "signed" after checking the signature is the vector's. */
  static String restTx() {
    HttpResponse<String> response = rest(tx, "transaction", EvmVectors.rpcTransaction(tx).toString());
    if (response.statusCode() == 200) {
      assertEquals(tx.get("signedSerialized").asText(), TenantNode.read(response.body()).get("raw").asText());
      return "signed";
    }
    assertEquals(412, response.statusCode(), response.body());
    return TenantNode.read(response.body()).get("rule").asText();
  }

  static String rpcTx() {
    JsonNode answer = rpc("eth_signTransaction", EvmVectors.rpcTransaction(tx));
    if (answer.has("result")) {
      assertEquals(tx.get("signedSerialized").asText(), answer.get("result").asText());
      return "signed";
    }
    assertEquals(-32000, answer.get("error").get("code").asInt(), answer.toString());
    return answer.get("error").get("data").get("rule").asText();
  }

  static BigInteger big(String field) {
    return new BigInteger(tx.get("tx").get(field).asText());
  }

  /** A limit {@code delta} wei from the vector's own value/gas cost: -1 is just above the limit (refused). */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"max_value,1,signed", "max_value,0,signed", "max_value,-1,evm_value",
      "max_gas_cost,1,signed", "max_gas_cost,0,signed", "max_gas_cost,-1,evm_gas_cost"})
  void transactionLimitsBelowAtAndAboveTheirBoundaryOnRestAndJsonRpc(String field, int delta, String expected) {
    BigInteger amount = field.equals("max_value") ? big("value") : big("gasLimit").multiply(big("maxFeePerGas"));
    policy(tx, "rules: {evm_transaction: {chain_ids: [137], receivers: ['" + tx.get("tx").get("to").asText() + "'], "
        + field + ": '" + amount.add(BigInteger.valueOf(delta)) + "'}}");
    assertEquals(expected, restTx());
    assertEquals(expected, rpcTx());
  }

  @Test
  void chainAndReceiverAllowlistsAndContractCreation() {
    policy(tx, "rules: {evm_transaction: {chain_ids: [1, 10]}}");
    assertEquals("evm_chain_id", restTx());
    assertEquals("evm_chain_id", rpcTx());
    policy(tx, "rules: {evm_transaction: {receivers: ['0x" + "35".repeat(20) + "']}}");
    assertEquals("evm_receiver", restTx());
    assertEquals("evm_receiver", rpcTx());
    policy(tx, "rules: {evm_transaction: {chain_ids: [137], contract_creation: deny}}");
    assertEquals("signed", restTx());
    ObjectNode creation = EvmVectors.rpcTransaction(tx);
    creation.remove("to");
    HttpResponse<String> refused = rest(tx, "transaction", creation.toString());
    assertEquals(412, refused.statusCode());
    assertEquals("evm_contract_creation", TenantNode.read(refused.body()).get("rule").asText());
  }

  @Test
  void blindSigningIsOffUntilAPolicyEnablesItAndEip712IsLimitedToItsDomains() {
    policy(MESSAGE, "");
    policy(TYPED, "");
    String body = "{\"message\":" + EvmVectors.JSON.valueToTree(MESSAGE.get("message").asText()) + ",\"encoding\":\""
        + MESSAGE.get("messageEncoding").asText() + "\"}";
    HttpResponse<String> off = rest(MESSAGE, "eip191", body);
    assertEquals(412, off.statusCode());
    assertEquals("evm_eip191_disabled", TenantNode.read(off.body()).get("rule").asText());
    byte[] bytes = MESSAGE.get("messageEncoding").asText().equals("hex") ? Hex.decode(MESSAGE.get("message").asText())
        : MESSAGE.get("message").asText().getBytes(StandardCharsets.UTF_8);
    JsonNode rpcOff = rpc("personal_sign", text(Hex.encode(bytes)), text(address(MESSAGE)));
    assertEquals("evm_eip191_disabled", rpcOff.get("error").get("data").get("rule").asText());
    assertEquals("evm_eip712_disabled", rpc("eth_signTypedData_v4", text(address(TYPED)), TYPED.get("typedData"))
        .get("error").get("data").get("rule").asText());
    // raw: the scope is not enough; it signs keccak256 of any bytes, so a policy must enable it too
    String raw = "{\"data\":\"" + Hex.encode(("\u0019Ethereum Signed Message:\n" + bytes.length).getBytes(StandardCharsets.UTF_8))
        + Hex.encode(bytes).substring(2) + "\"}";
    HttpResponse<String> rawOff = node.call("POST", "/api/v1/eth1/sign/" + address(MESSAGE), signer, raw);
    assertEquals(412, rawOff.statusCode());
    assertEquals("evm_raw_disabled", TenantNode.read(rawOff.body()).get("rule").asText());

    String expected = MESSAGE.get("signature").get("serialized").asText();
    policy(MESSAGE, "rules: {evm_signing: {eip191: true, raw: true}}");
    assertEquals(expected, TenantNode.read(rest(MESSAGE, "eip191", body).body()).get("signature").asText());
    assertEquals(expected, rpc("personal_sign", text(Hex.encode(bytes)), text(address(MESSAGE))).get("result").asText());
    assertEquals(expected, node.call("POST", "/api/v1/eth1/sign/" + address(MESSAGE), signer, raw).body());

    JsonNode domain = TYPED.get("typedData").get("domain");
    String allowed = "rules: {evm_signing: {eip712: {domains: [{chain_id: " + domain.get("chainId").asText()
        + ", verifying_contract: '" + domain.get("verifyingContract").asText() + "'}]}}}";
    policy(TYPED, allowed);
    String typedExpected = TYPED.get("signature").get("serialized").asText();
    assertEquals(typedExpected, TenantNode.read(rest(TYPED, "eip712", TYPED.get("typedData").toString()).body())
        .get("signature").asText());
    assertEquals(typedExpected, rpc("eth_signTypedData_v4", text(address(TYPED)), TYPED.get("typedData")).get("result").asText());
    ObjectNode otherChain = TYPED.get("typedData").deepCopy();
    ((ObjectNode) otherChain.get("domain")).put("chainId", domain.get("chainId").asLong() + 1);
    HttpResponse<String> outside = rest(TYPED, "eip712", otherChain.toString());
    assertEquals(412, outside.statusCode());
    assertEquals("evm_eip712_domain", TenantNode.read(outside.body()).get("rule").asText());
  }

  @Test
  void erc20LimitsAndSpendersAtTheirBoundaries() {
    String token = tx.get("tx").get("to").asText();
    policy(tx, "rules: {evm_erc20: [{token: '" + token + "', max_amount: 1000, spenders: ['0x" + "5e".repeat(20) + "']}]}");
    assertEquals("signed", erc20("a9059cbb", "35", 999));
    assertEquals("signed", erc20("a9059cbb", "35", 1000));
    assertEquals("erc20_amount", erc20("a9059cbb", "35", 1001));
    assertEquals("signed", erc20("095ea7b3", "5e", 1000));
    assertEquals("erc20_spender", erc20("095ea7b3", "35", 1));
  }

  private static String erc20(String selector, String addressByte, long amount) {
    ObjectNode call = EvmVectors.rpcTransaction(tx);
    call.put("input", "0x" + selector + "00".repeat(12) + addressByte.repeat(20) + String.format("%064x", amount));
    HttpResponse<String> response = rest(tx, "transaction", call.toString());
    return response.statusCode() == 200 ? "signed" : TenantNode.read(response.body()).get("rule").asText();
  }

  @Test
  void valuePerWindowIsCountedOnEverySurfaceTogether() {
    // three times the vector's value fits (counted in units of 1e3 wei, rounded up: the limit leaves room)
    BigInteger limit = big("value").multiply(BigInteger.valueOf(3)).add(BigInteger.valueOf(3000));
    policy(tx, "rules: {evm_transaction: {chain_ids: [137]}, evm_value_windows: [{max: '" + limit + "', window: PT1H}]}");
    assertEquals("signed", restTx());
    assertEquals("signed", rpcTx());
    assertEquals("signed", restTx());
    assertEquals("evm_value_window", rpcTx());
    assertEquals("evm_value_window", restTx());
  }

  @Test
  void aTransactionAboveTheThresholdNeedsApprovalAndTheIdenticalRetrySignsOnce() {
    policy(tx, "rules: {evm_approvals: {value_above: '" + big("value").subtract(BigInteger.ONE) + "', approvals: 1}}");
    HttpResponse<String> pending = rest(tx, "transaction", EvmVectors.rpcTransaction(tx).toString());
    assertEquals(412, pending.statusCode());
    JsonNode body = TenantNode.read(pending.body());
    assertEquals("approval_required", body.get("rule").asText());
    String id = body.get("approval_id").asText();
    assertTrue(id.startsWith("apr-"), id);
    JsonNode viaRpc = rpc("eth_signTransaction", EvmVectors.rpcTransaction(tx)).get("error");
    assertEquals("approval_required", viaRpc.get("data").get("rule").asText());
    assertEquals(id, viaRpc.get("data").get("approval_id").asText(), "the same request, the same approval");
    String approver = node.identity("approver-" + System.nanoTime(), "default", "approve");
    HttpResponse<String> approved = node.call("POST", "/admin/v1/approvals/" + id + "/approve", approver, null);
    assertEquals(200, approved.statusCode(), approved.body());
    assertEquals("signed", restTx());
    HttpResponse<String> again = rest(tx, "transaction", EvmVectors.rpcTransaction(tx).toString());
    assertEquals(412, again.statusCode(), "consumed: a second retry needs a new approval");
    assertNotEquals(id, TenantNode.read(again.body()).get("approval_id").asText());
  }

  @Test
  void decisionsAreAuditedWithThePolicyVersion() throws Exception {
    policy(tx, "rules: {evm_transaction: {chain_ids: [137], max_value: '" + big("value") + "'}}");
    long version = TenantNode.read(node.call("GET", "/admin/v1/policies/key/" + address(tx), admin, null).body())
        .get("version").asLong();
    assertEquals("signed", restTx());
    policy(tx, "rules: {evm_transaction: {chain_ids: [1]}}");
    assertEquals("evm_chain_id", restTx());
    String rows = "";
    for (int i = 0; i < 50 && !(rows.contains("policy v" + version + ")") && rows.contains("policy v" + (version + 1))); i++) {
      rows = node.call("GET", "/admin/v1/audit?rows=500", admin, null).body();
      Thread.sleep(100);
    }
    assertTrue(rows.contains("policy v" + version + ")"), "the signature names its version: " + rows);
    assertTrue(rows.contains("policy v" + (version + 1)), "the refusal names its version");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "rules: {evm_transaction: {max_value: 0.5}}|rules.evm_transaction.max_value",
      "rules: {evm_value_windows: [{max: '1 ether', window: P40D}]}|rules.evm_value_windows[0].window",
      "rules: {evm_erc20: [{token: '0x12', max_amount: 1}]}|rules.evm_erc20[0].token",
      "rules: {evm_signing: {eip712: {domains: [{chain_id: 1}]}}}|rules.evm_signing.eip712.domains[0].verifying_contract"})
  void aBadDocumentIsA400NamingTheFieldAndNothingIsStored(String yaml, String field) {
    String target = "/admin/v1/policies/key/" + address(MESSAGE).toLowerCase();
    String before = node.call("GET", target + "/history", admin, null).body();
    HttpResponse<String> bad = node.call("PUT", target, admin, yaml);
    assertEquals(400, bad.statusCode(), bad.body());
    assertEquals(field, TenantNode.read(bad.body()).get("field").asText());
    assertEquals(before, node.call("GET", target + "/history", admin, null).body(), "nothing stored");
    assertFalse(bad.body().contains("Exception"), bad.body());
  }
}
