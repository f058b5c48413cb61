package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /openapi.json against what the server answers: it documents exactly the routes the server has,
 * and every call below — at least one per operation, through success and failure — answers a
 * documented status with a body that has the documented required fields.
 */
class OpenApiTest {
  @TempDir Path temp;

  private record Call(String method, String path, String template, String token, String body, String contentType) {
    Call(String method, String path, String template, String token, String body) {
      this(method, path, template, token, body, "application/json");
    }
  }

  @Test
  void theDocumentCoversEveryRouteAndEveryAnswerMatchesIt() throws Exception {
    try (TenantNode tenants = TenantNode.start(temp, null)) {
      tenants.node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      String ops = tenants.identity("ops", "default", "admin,approve,keys:read,keys:write,validate,"
          + "sign:evm:tx,sign:evm:eip191,sign:evm:eip712,sign:evm:raw");
      String weak = tenants.identity("weak", "default", "validate");
      tenants.identity("victim", "default", "validate");
      JsonNode document = TenantNode.read(tenants.call("GET", "/openapi.json", null, null).body());
      JsonNode paths = document.get("paths");

      Set<String> documented = new TreeSet<>();
      paths.fields().forEachRemaining(path -> path.getValue().fieldNames()
          .forEachRemaining(method -> documented.add(method.toUpperCase() + " " + path.getKey())));
      // the console (/console/*) is HTML for browsers, not part of the API the document describes
      Set<String> apiRoutes = tenants.node.apiRoutes().stream()
          .filter(route -> !route.split(" ", 2)[1].startsWith("/console")).collect(Collectors.toCollection(TreeSet::new));
      assertEquals(apiRoutes, documented, "documented operations = routes");

      String sign = "/api/v1/eth2/sign/{identifier}";
      String key = "/api/v1/eth2/sign/" + SigningApiTest.PUBKEY;
      String keystore = TenantNode.keystore(TenantNode.newKey(), "pw");
      JsonNode evmVector = EvmVectors.load("eip191.json").get(0);
      String evmAddress = evmVector.get("address").asText();
      String evmImport = "{\"keystore\":" + EvmVectors.JSON.writeValueAsString(
          EvmVectors.keystore(evmVector.get("secretKey").asText(), "pw")) + ",\"password\":\"pw\"}";
      String evmPath = "/api/v1/evm/" + evmAddress;
      String evmTemplate = "/api/v1/evm/{address}";
      String evmTx = "{\"type\":\"0x2\",\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x5208\","
          + "\"maxFeePerGas\":\"0x2\",\"maxPriorityFeePerGas\":\"0x1\",\"to\":\"" + evmAddress + "\",\"value\":\"0x1\"}";
      List<Call> calls = List.of(
          new Call("POST", key, sign, ops, SigningApiTest.attestation(1, 2, "0x" + "00".repeat(32))),
          new Call("POST", key, sign, ops, SigningApiTest.attestation(1, 2, "0x" + "11".repeat(32))),
          new Call("POST", key, sign, ops, "{\"type\":\"NOPE\"}"),
          new Call("POST", key, sign, null, "{}"),
          new Call("POST", "/api/v1/eth2/sign/0x" + "ab".repeat(48), sign, ops, SigningApiTest.attestation(3, 4, "0x" + "00".repeat(32))),
          new Call("POST", key, sign, weak, TenantNode.exit()),
          new Call("POST", "/api/v1/eth2/sign/batch", null, ops, "[{\"identifier\":\"" + SigningApiTest.PUBKEY
              + "\",\"request\":" + SigningApiTest.attestation(5, 6, "0x" + "00".repeat(32)) + "},42]"),
          new Call("POST", "/api/v1/eth2/sign/batch", null, ops, "{}"),
          new Call("POST", "/api/v1/eth2/sign/batch", null, null, "[]"),
          new Call("GET", "/api/v1/eth2/publicKeys", null, ops, null),
          new Call("GET", "/upcheck", null, null, null),
          new Call("GET", "/healthcheck", null, null, null),
          new Call("GET", "/openapi.json", null, null, null),
          new Call("POST", "/reload", null, ops, null),
          new Call("POST", "/reload", null, weak, null),
          new Call("GET", "/eth/v1/keystores", null, ops, null),
          new Call("POST", "/eth/v1/keystores", null, ops, TenantNode.importBody(keystore, "pw", null)),
          new Call("POST", "/eth/v1/keystores", null, ops, "{\"keystores\":1}"),
          new Call("DELETE", "/eth/v1/keystores", null, ops, TenantNode.deleteBody(SigningApiTest.PUBKEY)),
          new Call("GET", "/admin/v1/operators", null, ops, null),
          new Call("POST", "/admin/v1/operators", null, ops, "{\"name\":\"opx\"}"),
          new Call("GET", "/admin/v1/identities", null, ops, null),
          new Call("POST", "/admin/v1/identities", null, ops, "{\"name\":\"made\",\"type\":\"token\",\"scopes\":\"validate\"}"),
          new Call("POST", "/admin/v1/identities", null, ops, "{\"name\":\"made\",\"type\":\"token\",\"scopes\":\"validate\"}"),
          new Call("DELETE", "/admin/v1/identities/victim", "/admin/v1/identities/{name}", ops, null),
          new Call("DELETE", "/admin/v1/identities/nobody", "/admin/v1/identities/{name}", ops, null),
          new Call("GET", "/admin/v1/audit?rows=5", "/admin/v1/audit", ops, null),
          new Call("GET", "/admin/v1/audit/verify", null, ops, null),
          new Call("GET", "/admin/v1/audit/verify", null, weak, null),
          new Call("PUT", "/admin/v1/policies/operator/default", "/admin/v1/policies/{scope}/{id}", ops,
              "rules:\n  voluntary_exit: {action: deny}\n", "application/yaml"),
          new Call("PUT", "/admin/v1/policies/operator/default", "/admin/v1/policies/{scope}/{id}", ops, "rules: {nope: 1}"),
          new Call("GET", "/admin/v1/policies/operator/default", "/admin/v1/policies/{scope}/{id}", ops, null),
          new Call("GET", "/admin/v1/policies/operator/default/history", "/admin/v1/policies/{scope}/{id}/history", ops, null),
          new Call("GET", "/admin/v1/policies/operator/other/history", "/admin/v1/policies/{scope}/{id}/history", ops, null),
          new Call("GET", "/admin/v1/approvals", null, ops, null),
          new Call("GET", "/admin/v1/approvals", null, weak, null),
          new Call("POST", "/admin/v1/approvals", null, ops, "{\"key\":\"0x12\"}"),
          new Call("GET", "/admin/v1/approvals/nope", "/admin/v1/approvals/{id}", ops, null),
          new Call("POST", "/admin/v1/approvals/nope/approve", "/admin/v1/approvals/{id}/approve", ops, null),
          new Call("POST", "/admin/v1/approvals/nope/deny", "/admin/v1/approvals/{id}/deny", ops, null),
          new Call("POST", "/admin/v1/approvals/nope/approve", "/admin/v1/approvals/{id}/approve", ops, "{\"totp\":5}"),
          // an approver's TOTP: ops (admin, approve) enrolls itself; weak holds no approve scope
          new Call("GET", "/admin/v1/identities/ops/totp", "/admin/v1/identities/{name}/totp", ops, null),
          new Call("POST", "/admin/v1/identities/weak/totp", "/admin/v1/identities/{name}/totp", ops, null),
          new Call("POST", "/admin/v1/identities/ops/totp", "/admin/v1/identities/{name}/totp", ops, null),
          new Call("POST", "/admin/v1/identities/ops/totp/confirm", "/admin/v1/identities/{name}/totp/confirm", ops,
              "{\"totp\":\"12\"}"),
          new Call("POST", "/admin/v1/identities/ops/totp/confirm", "/admin/v1/identities/{name}/totp/confirm", weak,
              "{\"totp\":\"123456\"}"),
          new Call("DELETE", "/admin/v1/identities/ops/totp", "/admin/v1/identities/{name}/totp", ops, null),
          new Call("DELETE", "/admin/v1/identities/ops/totp", "/admin/v1/identities/{name}/totp", ops, null),
          // EVM: import the first EIP-191 vector's key, sign with it through every surface, delete it.
          new Call("POST", "/admin/v1/evm/keys", null, ops, evmImport),
          new Call("POST", "/admin/v1/evm/keys", null, ops, evmImport),
          new Call("POST", "/admin/v1/evm/keys", null, ops, "{}"),
          new Call("POST", "/admin/v1/evm/keys", null, weak, "{\"generate\":true}"),
          new Call("GET", "/admin/v1/evm/keys", null, ops, null),
          new Call("GET", "/api/v1/eth1/publicKeys", null, ops, null),
          new Call("POST", "/", null, ops, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_accounts\"}"),
          new Call("POST", "/", null, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_accounts\"}"),
          new Call("POST", "/api/v1/eth1/sign/" + evmAddress, "/api/v1/eth1/sign/{identifier}", ops, "{\"data\":\"0x01\"}"),
          new Call("POST", "/api/v1/eth1/sign/" + evmAddress, "/api/v1/eth1/sign/{identifier}", weak, "{\"data\":\"0x01\"}"),
          new Call("POST", evmPath + "/sign/transaction", evmTemplate + "/sign/transaction", ops, evmTx),
          new Call("POST", evmPath + "/sign/transaction", evmTemplate + "/sign/transaction", ops, "{\"nonce\":\"0xzz\"}"),
          new Call("POST", evmPath + "/sign/eip191", evmTemplate + "/sign/eip191", ops, "{\"message\":\"hello\"}"),
          new Call("POST", "/api/v1/evm/0x" + "12".repeat(20) + "/sign/eip191", evmTemplate + "/sign/eip191", ops,
              "{\"message\":\"hello\"}"),
          new Call("POST", evmPath + "/sign/eip712", evmTemplate + "/sign/eip712", ops,
              EvmVectors.load("eip712.json").get(0).get("typedData").toString()),
          new Call("DELETE", "/admin/v1/evm/keys/" + evmAddress, "/admin/v1/evm/keys/{address}", ops, null),
          new Call("DELETE", "/admin/v1/evm/keys/" + evmAddress, "/admin/v1/evm/keys/{address}", ops, null));

      Set<String> exercised = new TreeSet<>();
      List<String> mismatches = new ArrayList<>();
      for (Call call : calls) {
        String template = call.template() != null ? call.template() : call.path();
        exercised.add(call.method() + " " + template);
        HttpResponse<String> answer = tenants.call(call.method(), call.path(), call.token(), call.body(), call.contentType());
        JsonNode operation = paths.get(template).get(call.method().toLowerCase());
        JsonNode response = resolve(document, operation.get("responses").get(Integer.toString(answer.statusCode())));
        if (response == null) {
          mismatches.add(call.method() + " " + call.path() + " answered undocumented " + answer.statusCode() + ": " + answer.body());
          continue;
        }
        String type = answer.headers().firstValue("Content-Type").orElse("").split(";")[0];
        JsonNode content = response.path("content").get(type);
        if (content == null) {
          mismatches.add(call.method() + " " + call.path() + " " + answer.statusCode() + " answered undocumented " + type);
        } else if (type.equals("application/json")) {
          check(document, resolve(document, content.get("schema")), TenantNode.read(answer.body()),
              call.method() + " " + call.path() + " " + answer.statusCode(), mismatches);
        }
      }
      assertEquals(documented, exercised, "every documented operation is exercised");
      assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    }
  }

  private static JsonNode resolve(JsonNode document, JsonNode node) {
    while (node != null && node.has("$ref")) {
      JsonNode target = document;
      for (String part : node.get("$ref").asText().substring(2).split("/")) {
        target = target.get(part);
      }
      node = target;
    }
    return node;
  }

  /** The body's type and required properties, recursively through arrays and known properties. */
  private static void check(JsonNode document, JsonNode schema, JsonNode body, String where, List<String> mismatches) {
    String type = schema.path("type").asText();
    if (body.isNull() && schema.path("nullable").asBoolean()) {
      return;
    }
    if (type.equals("array")) {
      if (!body.isArray()) {
        mismatches.add(where + ": expected an array, got " + body);
        return;
      }
      body.forEach(item -> check(document, resolve(document, schema.get("items")), item, where, mismatches));
    } else if (type.equals("object")) {
      if (!body.isObject()) {
        mismatches.add(where + ": expected an object, got " + body);
        return;
      }
      schema.path("required").forEach(name -> {
        if (!body.has(name.asText())) {
          mismatches.add(where + ": missing required " + name.asText() + " in " + body);
        }
      });
      for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        JsonNode property = schema.path("properties").get(name);
        if (property != null) {
          check(document, resolve(document, property), body.get(name), where + "." + name, mismatches);
        }
      }
    } else if (type.equals("string") && !body.isTextual()) {
      mismatches.add(where + ": expected a string, got " + body);
    } else if (type.equals("string") && schema.has("enum")) {
      boolean listed = false;
      for (JsonNode value : schema.get("enum")) {
        listed |= value.asText().equals(body.asText());
      }
      if (!listed) {
        mismatches.add(where + ": " + body + " is not one of " + schema.get("enum"));
      }
    } else if (type.equals("integer") && !body.isIntegralNumber()) {
      mismatches.add(where + ": expected an integer, got " + body);
    } else if (type.equals("boolean") && !body.isBoolean()) {
      mismatches.add(where + ": expected a boolean, got " + body);
    }
  }
}
