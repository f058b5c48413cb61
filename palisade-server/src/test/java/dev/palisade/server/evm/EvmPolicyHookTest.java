package dev.palisade.server.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.Authorizer;
import dev.palisade.auth.Credential;
import dev.palisade.store.Dialect;
import dev.palisade.auth.Identity;
import dev.palisade.auth.IdentityStore;
import dev.palisade.auth.NewIdentity;
import dev.palisade.auth.OperatorId;
import dev.palisade.evm.Address;
import dev.palisade.evm.Erc20Call;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.server.keys.Actor;
import dev.palisade.server.keys.KeyRegistry;
import dev.palisade.server.keys.OperatorKeks;
import dev.palisade.server.signing.PolicyDecision;
import dev.palisade.server.http.ApiException;
import dev.palisade.vault.InProcessVault;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The policy hook: a policy sees the typed request (chain id, decoded ERC-20 call) after scope and
 * visibility and before the vault; its denial is a Refused (HTTP 412, JSON-RPC -32000 with the rule)
 * and an audit row; a policy that throws refuses (fail closed).
 */
class EvmPolicyHookTest {
  @TempDir Path temp;

  @Test
  void policiesSeeTheTypedRequestAndTheirDenialIsARefusal() throws Exception {
    SQLiteDataSource data = new SQLiteDataSource();
    data.setUrl("jdbc:sqlite:" + temp.resolve("auth.db"));
    List<AuditEntry> audit = new CopyOnWriteArrayList<>();
    try (IdentityStore identities = IdentityStore.open(data, Dialect.SQLITE);
        InProcessVault vault = new InProcessVault()) {
      identities.createOperator(OperatorId.of("default"));
      Identity caller = identities.createIdentity(NewIdentity.of("wallet", "default", new Credential.BearerToken(),
          "sign:evm:tx,sign:evm:eip191")).identity();
      KeyRegistry registry = new KeyRegistry(vault, vault, null, identities, OperatorKeks.ephemeral(), (a, k, e, d) -> {});
      Address account = registry.evm().generate(new Actor("test", OperatorId.of("default")));
      EvmPolicy chainOne = (who, address, request) ->
          request instanceof EvmSigningRequest.Transaction t && !t.transaction().chainId().equals(BigInteger.ONE)
              ? new PolicyDecision.Deny("CHAIN_ID", "chain " + t.transaction().chainId() + " is not allowed")
              : PolicyDecision.ALLOW;
      EvmPolicy tokenLimit = (who, address, request) ->
          request instanceof EvmSigningRequest.Transaction t && t.transaction().erc20Call()
              .filter(c -> c instanceof Erc20Call.Transfer && c.amount().compareTo(BigInteger.valueOf(100)) > 0).isPresent()
              ? new PolicyDecision.Deny("ERC20_LIMIT", "transfer above 100") : PolicyDecision.ALLOW;
      EvmApi api = new EvmApi(new Authorizer(identities), vault, registry.evm(), EvmApi.EvmConfig.NONE, audit::add,
          List.of(chainOne, tokenLimit));
      JsonRpc rpc = new JsonRpc(api, new EvmRestApi(api));

      JsonNode ok = rpc.handle(caller, request(account, "0x1", "0x")).get("result");
      assertTrue(ok.asText().startsWith("0x02"), ok.toString());
      JsonNode wrongChain = rpc.handle(caller, request(account, "0x5", "0x")).get("error");
      assertEquals(-32000, wrongChain.get("code").asInt());
      assertEquals("CHAIN_ID", wrongChain.get("data").get("rule").asText());
      String transfer = "0xa9059cbb" + "00".repeat(12) + "35".repeat(20) + "00".repeat(31) + "65"; // 101 tokens
      JsonNode overLimit = rpc.handle(caller, request(account, "0x1", transfer)).get("error");
      assertEquals("ERC20_LIMIT", overLimit.get("data").get("rule").asText());
      assertTrue(audit.stream().anyMatch(e -> e.decision() == AuditDecision.REFUSED && e.reason().contains("CHAIN_ID")
          || e.decision() == AuditDecision.REFUSED && e.reason().contains("chain 5")), audit.toString());

      EvmApi broken = new EvmApi(new Authorizer(identities), vault, registry.evm(), EvmApi.EvmConfig.NONE, audit::add,
          List.of((who, address, request) -> {
            throw new IllegalStateException("store down");
          }));
      assertThrows(ApiException.Unavailable.class, () -> broken.sign(caller, account,
          new EvmSigningRequest.PersonalSign(dev.palisade.evm.PersonalMessage.ofText("hi"))));
    }
  }

  private static byte[] request(Address account, String chainId, String input) {
    return ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_signTransaction\",\"params\":[{\"from\":\"" + account
        + "\",\"to\":\"0x" + "44".repeat(20) + "\",\"chainId\":\"" + chainId + "\",\"nonce\":\"0x0\",\"gas\":\"0x5208\","
        + "\"maxFeePerGas\":\"0x2\",\"maxPriorityFeePerGas\":\"0x1\",\"input\":\"" + input + "\"}]}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
