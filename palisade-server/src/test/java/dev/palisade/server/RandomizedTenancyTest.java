package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.OperatorId;
import dev.palisade.crypto.BlsSecretKey;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random calls by identities of three operators (two with their own KEK, one with none) with random
 * scopes — sign, exit, list, import, delete, admin — checked against a model of who may do what.
 * Every answer must be the one the model predicts; a mismatch names the seed and the step.
 */
class RandomizedTenancyTest {
  private static final String PASSWORD = "right password";
  private static final List<String> OPERATORS = List.of("default", "opb", "opc");
  private static final List<String> SCOPES = List.of("validate", "sign:exit", "keys:read", "keys:write", "admin");
  private static final int STEPS = 250;

  @TempDir Path temp;

  private record Caller(String name, String operator, Set<String> scopes, String token) {}

  /** What the model knows: who owns each key, which keys sign, which came from --keystores-path, who is revoked. */
  private final Map<Integer, String> owner = new HashMap<>();
  private final Set<Integer> active = new HashSet<>();
  private final Set<Integer> readOnly = new HashSet<>();
  private final Set<String> revoked = new HashSet<>();
  private final List<BlsSecretKey> keys = new ArrayList<>();
  private final List<String> keystores = new ArrayList<>();
  private long nextTarget = 10;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void everyAnswerMatchesTheModel(long seed) {
    Random random = new Random(seed);
    try (TenantNode tenants = TenantNode.start(temp, null)) {
      tenants.node.access().store().createOperator(OperatorId.of("opc")); // an operator without a KEK here
      for (int i = 0; i < 6; i++) {
        BlsSecretKey key = TenantNode.newKey();
        keys.add(key);
        keystores.add(TenantNode.keystore(key, PASSWORD));
      }
      tenants.node.addKeys(List.of(BlsSecretKey.fromBytes(keys.get(0).exportSecret().array())));
      owner.put(0, "default");
      active.add(0);
      readOnly.add(0);

      List<Caller> callers = new ArrayList<>();
      for (String operator : OPERATORS) {
        for (int i = 0; i < 3; i++) {
          Set<String> scopes = new TreeSet<>();
          SCOPES.forEach(scope -> {
            if (random.nextInt(3) > 0) {
              scopes.add(scope);
            }
          });
          if (scopes.isEmpty()) {
            scopes.add("validate");
          }
          String name = operator + "-" + i;
          callers.add(new Caller(name, operator, scopes, tenants.identity(name, operator, String.join(",", scopes))));
        }
      }
      for (int step = 0; step < STEPS; step++) {
        Caller caller = callers.get(random.nextInt(callers.size()));
        String where = "seed " + seed + " step " + step + " " + caller;
        int key = random.nextInt(keys.size());
        switch (random.nextInt(7)) {
          case 0 -> sign(tenants, caller, key, where);
          case 1 -> exit(tenants, caller, key, where);
          case 2 -> importKey(tenants, caller, key, random.nextInt(4) > 0, where);
          case 3 -> delete(tenants, caller, key, where);
          case 4 -> list(tenants, caller, where);
          case 5 -> createIdentity(tenants, caller, OPERATORS.get(random.nextInt(3)), step, where);
          default -> revoke(tenants, caller, callers.get(random.nextInt(callers.size())), where);
        }
      }
    }
  }

  private boolean visible(Caller caller, int key) {
    return caller.operator().equals(owner.get(key)) && active.contains(key);
  }

  /** 401 for a revoked caller, 403 without the scope, else null: go on. */
  private Integer refusal(Caller caller, String scope) {
    if (revoked.contains(caller.name())) {
      return 401;
    }
    return caller.scopes().contains(scope) ? null : 403;
  }

  private void sign(TenantNode tenants, Caller caller, int key, String where) {
    long target = ++nextTarget;
    HttpResponse<String> answer = tenants.sign(caller.token(), keys.get(key).publicKey().toHex(),
        SigningApiTest.attestation(target - 1, target, "0x" + "00".repeat(32)));
    Integer refused = refusal(caller, "validate");
    int expected = refused != null ? refused : visible(caller, key) ? 200 : 404;
    assertEquals(expected, answer.statusCode(), where + " sign " + key + ": " + answer.body());
  }

  private void exit(TenantNode tenants, Caller caller, int key, String where) {
    HttpResponse<String> answer = tenants.sign(caller.token(), keys.get(key).publicKey().toHex(), TenantNode.exit());
    Integer refused = refusal(caller, "sign:exit");
    int expected = refused != null ? refused : visible(caller, key) ? 200 : 404;
    assertEquals(expected, answer.statusCode(), where + " exit " + key + ": " + answer.body());
  }

  private void importKey(TenantNode tenants, Caller caller, int key, boolean rightPassword, String where) {
    HttpResponse<String> answer = tenants.call("POST", "/eth/v1/keystores", caller.token(),
        TenantNode.importBody(keystores.get(key), rightPassword ? PASSWORD : "wrong", null));
    Integer refused = refusal(caller, "keys:write");
    if (refused != null) {
      assertEquals(refused, answer.statusCode(), where + " import: " + answer.body());
      return;
    }
    String status = TenantNode.read(answer.body()).get("data").get(0).get("status").asText();
    String expected;
    String currentOwner = owner.get(key);
    if (!rightPassword || (currentOwner != null && !currentOwner.equals(caller.operator()))) {
      expected = "error";
    } else if (active.contains(key)) {
      expected = "duplicate";
    } else if (caller.operator().equals("opc")) {
      expected = "error"; // no KEK for opc on this node: never sealed under another operator's
    } else {
      expected = "imported";
      owner.put(key, caller.operator());
      active.add(key);
    }
    assertEquals(expected, status, where + " import " + key + " (right password " + rightPassword + "): " + answer.body());
  }

  private void delete(TenantNode tenants, Caller caller, int key, String where) {
    HttpResponse<String> answer = tenants.call("DELETE", "/eth/v1/keystores", caller.token(),
        TenantNode.deleteBody(keys.get(key).publicKey().toHex()));
    Integer refused = refusal(caller, "keys:write");
    if (refused != null) {
      assertEquals(refused, answer.statusCode(), where + " delete: " + answer.body());
      return;
    }
    String status = TenantNode.read(answer.body()).get("data").get(0).get("status").asText();
    String expected;
    if (!caller.operator().equals(owner.get(key))) {
      expected = "not_found";
    } else if (readOnly.contains(key)) {
      expected = "error";
    } else if (active.remove(key)) {
      expected = "deleted";
    } else {
      expected = "not_active"; // owned, so registered in the slashing store: its (maybe empty) history exports
    }
    assertEquals(expected, status, where + " delete " + key + ": " + answer.body());
  }

  private void list(TenantNode tenants, Caller caller, String where) {
    HttpResponse<String> answer = tenants.call("GET", "/eth/v1/keystores", caller.token(), null);
    Integer refused = refusal(caller, "keys:read");
    if (refused != null) {
      assertEquals(refused, answer.statusCode(), where + " list: " + answer.body());
      return;
    }
    Set<String> listed = new TreeSet<>();
    TenantNode.read(answer.body()).get("data").forEach(entry -> listed.add(entry.get("validating_pubkey").asText()));
    Set<String> expected = new TreeSet<>();
    for (int key = 0; key < keys.size(); key++) {
      if (visible(caller, key)) {
        expected.add(keys.get(key).publicKey().toHex());
      }
    }
    assertEquals(expected, listed, where + " list");
  }

  private void createIdentity(TenantNode tenants, Caller caller, String operator, int step, String where) {
    HttpResponse<String> answer = tenants.call("POST", "/admin/v1/identities", caller.token(),
        "{\"name\":\"made-" + step + "\",\"type\":\"token\",\"operator\":\"" + operator + "\",\"scopes\":\"sign:exit\"}");
    Integer refused = refusal(caller, "admin");
    int expected = refused != null ? refused : operator.equals(caller.operator()) ? 201 : 403;
    assertEquals(expected, answer.statusCode(), where + " create identity in " + operator + ": " + answer.body());
    if (expected == 201) {
      JsonNode identities = TenantNode.read(tenants.call("GET", "/admin/v1/identities", caller.token(), null).body());
      identities.forEach(identity ->
          assertEquals(caller.operator(), identity.get("operator").asText(), where + " lists only its operator"));
    }
  }

  private void revoke(TenantNode tenants, Caller caller, Caller target, String where) {
    if (caller.equals(target)) {
      return;
    }
    HttpResponse<String> answer = tenants.call("DELETE", "/admin/v1/identities/" + target.name(), caller.token(), null);
    Integer refused = refusal(caller, "admin");
    int expected = refused != null ? refused
        : target.operator().equals(caller.operator()) && !revoked.contains(target.name()) ? 200 : 404;
    assertEquals(expected, answer.statusCode(), where + " revoke " + target.name() + ": " + answer.body());
    if (expected == 200) {
      revoked.add(target.name());
    }
  }
}
