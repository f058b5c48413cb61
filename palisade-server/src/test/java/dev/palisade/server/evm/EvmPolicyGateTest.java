package dev.palisade.server.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.Authorizer;
import dev.palisade.auth.Credential;
import dev.palisade.auth.Identity;
import dev.palisade.auth.IdentityStore;
import dev.palisade.auth.NewIdentity;
import dev.palisade.auth.OperatorId;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.evm.PersonalMessage;
import dev.palisade.policy.ApprovalStore;
import dev.palisade.policy.CounterStore;
import dev.palisade.policy.PolicyEngine;
import dev.palisade.policy.PolicyStore;
import dev.palisade.policy.PolicyTarget;
import dev.palisade.policy.RuleRegistry;
import dev.palisade.server.http.ApiException;
import dev.palisade.server.keys.Actor;
import dev.palisade.server.keys.KeyRegistry;
import dev.palisade.server.keys.OperatorKeks;
import dev.palisade.server.metrics.PalisadeMetrics;
import dev.palisade.server.signing.PolicyGate;
import dev.palisade.store.Dialect;
import dev.palisade.vault.InProcessVault;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The EVM path through the policy engine below HTTP: the JSON-RPC mapping of a refusal (-32000 with
 * data.rule) and of a request held for approval (data.rule approval_required and data.approval_id);
 * an unreachable policy database refuses (503, fail closed) and leaves an audit row; nothing is signed.
 */
class EvmPolicyGateTest {
  @TempDir Path temp;

  @Test
  void refusalsMapToJsonRpcAndAnUnreachablePolicyDatabaseFailsClosed() throws Exception {
    SQLiteDataSource data = new SQLiteDataSource();
    data.setUrl("jdbc:sqlite:" + temp.resolve("palisade.db"));
    AtomicBoolean down = new AtomicBoolean();
    DataSource switchable = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          if (down.get() && method.getName().equals("getConnection")) {
            throw new SQLException("database is down");
          }
          try {
            return method.invoke(data, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    List<AuditEntry> audit = new CopyOnWriteArrayList<>();
    Clock clock = Clock.systemUTC();
    try (IdentityStore identities = IdentityStore.open(data, Dialect.SQLITE);
        InProcessVault vault = new InProcessVault()) {
      identities.createOperator(OperatorId.of("default"));
      Identity caller = identities.createIdentity(NewIdentity.of("wallet", "default", new Credential.BearerToken(),
          "sign:evm:tx,sign:evm:eip191")).identity();
      KeyRegistry registry = new KeyRegistry(vault, vault, null, identities, OperatorKeks.ephemeral(), (a, k, e, d) -> {});
      Address account = registry.evm().generate(new Actor("test", OperatorId.of("default")));
      PolicyStore store = PolicyStore.open(switchable, Dialect.SQLITE, RuleRegistry.builtIn(), Duration.ZERO, Duration.ZERO, clock);
      PolicyEngine engine = new PolicyEngine(store, new CounterStore(switchable, clock), new ApprovalStore(switchable, clock, e -> {}));
      EvmApi api = new EvmApi(new Authorizer(identities), vault, registry.evm(), EvmApi.EvmConfig.NONE, audit::add,
          new PolicyGate(engine, new PalisadeMetrics(), clock), clock);
      JsonRpc rpc = new JsonRpc(api, new EvmRestApi(api));
      store.set(PolicyTarget.of("key", account.toString()),
          "rules: {evm_transaction: {chain_ids: [1]}, evm_approvals: {value_above: 100, approvals: 1}}", "test");

      assertTrue(rpc.handle(caller, Optional.empty(), request(account, "0x1", "0x64")).has("result"), "100 wei: at the threshold");
      JsonNode wrongChain = rpc.handle(caller, Optional.empty(), request(account, "0x5", "0x0")).get("error");
      assertEquals(-32000, wrongChain.get("code").asInt());
      assertEquals("evm_chain_id", wrongChain.get("data").get("rule").asText());
      JsonNode held = rpc.handle(caller, Optional.empty(), request(account, "0x1", "0x65")).get("error");
      assertEquals("approval_required", held.get("data").get("rule").asText(), held.toString());
      assertTrue(held.get("data").get("approval_id").asText().startsWith("apr-"), held.toString());

      down.set(true);
      long signedBefore = audit.stream().filter(e -> e.decision() == AuditDecision.SIGNED).count();
      ApiException.Unavailable unavailable = assertThrows(ApiException.Unavailable.class, () -> api.sign(caller,
          Optional.empty(), account, new EvmSigningRequest.PersonalSign(PersonalMessage.ofText("hi"))));
      assertTrue(unavailable.getMessage().contains("refusing to sign"), unavailable.getMessage());
      assertEquals(-32000, rpc.handle(caller, Optional.empty(), request(account, "0x1", "0x1")).get("error").get("code").asInt());
      assertEquals(signedBefore, audit.stream().filter(e -> e.decision() == AuditDecision.SIGNED).count(), "nothing signed");
      assertEquals(AuditDecision.REFUSED, audit.get(audit.size() - 1).decision(), audit.toString());
    }
  }

  private static byte[] request(Address account, String chainId, String value) {
    return ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_signTransaction\",\"params\":[{\"from\":\"" + account
        + "\",\"to\":\"0x" + "44".repeat(20) + "\",\"chainId\":\"" + chainId + "\",\"nonce\":\"0x0\",\"gas\":\"0x5208\","
        + "\"maxFeePerGas\":\"0x2\",\"maxPriorityFeePerGas\":\"0x1\",\"value\":\"" + value + "\"}]}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
