package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.server.evm.EvmApi;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's viem snippet run for real by Node against a node: viem (from npm, installed once like
 * ethers) signs a transaction and a message through Palisade's JSON-RPC with a bearer token, as a
 * JSON-RPC account; viem itself recovers the signer of both, the message signature is the public
 * vector's, and a transaction above the policy's max_value is refused with its rule.
 */
class EvmViemHttpTest {
  static final String VERSION = "2.21.0";
  @TempDir Path temp;

  static final String SCRIPT = """
      const viem = require("viem");
      const { mainnet } = require("viem/chains");
      (async () => {
        // as in the README (viem asks eth_chainId: the node runs with --evm-chain-id 1)
        const wallet = viem.createWalletClient({ account: process.env.ADDRESS, chain: mainnet,
          transport: viem.http(process.env.URL, { fetchOptions: { headers: { Authorization: `Bearer ${process.env.TOKEN}` } } }) });
        const tx = { to: "0x3535353535353535353535353535353535353535", nonce: 7, gas: 21000n,
          maxFeePerGas: 30000000000n, maxPriorityFeePerGas: 1000000000n };
        const raw = await wallet.signTransaction({ ...tx, value: 1234n });
        const parsed = viem.parseTransaction(raw);
        const from = await viem.recoverTransactionAddress({ serializedTransaction: raw });
        const sig = await wallet.signMessage({ message: process.env.MESSAGE });
        const valid = await viem.verifyMessage({ address: process.env.ADDRESS, message: process.env.MESSAGE, signature: sig });
        let refused = "signed";
        try { await wallet.signTransaction({ ...tx, value: 1235n }); }
        catch (e) { refused = JSON.stringify({ details: e.details, data: e.cause?.data ?? e.cause?.cause?.data, code: e.code }); }
        console.log(JSON.stringify({ from, value: parsed.value.toString(), chainId: String(parsed.chainId), sig, valid,
          refused }));
      })().catch(e => { console.error(e); process.exit(1); });
      """;

  @Test
  void theReadmeSnippetSignsThroughJsonRpc() throws Exception {
    Path modules = NodeSnippets.install("viem", VERSION, "_cjs");
    JsonNode vector = EvmVectors.load("eip191.json").stream()
        .filter(v -> v.get("messageEncoding").asText().equals("utf8")).findFirst().orElseThrow();
    String address = vector.get("address").asText();
    try (TenantNode node = TenantNode.start(temp.resolve("data"), null,
        new EvmApi.EvmConfig(Optional.of(BigInteger.ONE), Optional.empty()))) {
      String token = NodeSnippets.keyWithPolicy(node, vector,
          "rules: {evm_signing: {eip191: true}, evm_transaction: {max_value: 1234}}", "sign:evm:tx,sign:evm:eip191");
      JsonNode result = NodeSnippets.run(temp, SCRIPT, Map.of(
          "NODE_PATH", modules.toString(), "URL", "http://127.0.0.1:" + node.node.port(), "TOKEN", token, "ADDRESS", address,
          "MESSAGE", vector.get("message").asText()));
      assertEquals(address, result.get("from").asText(), "viem recovers the signer of the raw transaction");
      assertEquals("1234", result.get("value").asText());
      assertEquals("1", result.get("chainId").asText());
      assertEquals(vector.get("signature").get("serialized").asText(), result.get("sig").asText());
      assertTrue(result.get("valid").asBoolean(), result.toString());
      assertTrue(result.get("refused").asText().contains("evm_value"), result.toString());
    }
  }
}
