package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's ethers v6 snippet run for real by Node against a node: ethers (from npm, installed once
 * with the ordinary client like ganache) signs a transaction and a message through Palisade's JSON-RPC
 * with a bearer token; ethers itself recovers the signer of both, the message signature is the public
 * vector's, and a transaction above the policy's max_value is refused with its rule.
 */
class EvmEthersHttpTest {
  static final String VERSION = "6.13.4";
  @TempDir Path temp;

  static final String SCRIPT = """
      const { ethers } = require(process.env.ETHERS);
      (async () => {
        // as in the README
        const req = new ethers.FetchRequest(process.env.URL); req.setHeader("Authorization", `Bearer ${process.env.TOKEN}`);
        const palisade = new ethers.JsonRpcProvider(req, 1, { staticNetwork: true });
        const signer = await palisade.getSigner(process.env.ADDRESS);
        const tx = { to: "0x3535353535353535353535353535353535353535", chainId: 1, nonce: 7, gasLimit: 21000n,
          maxFeePerGas: 30000000000n, maxPriorityFeePerGas: 1000000000n };
        const raw = await signer.signTransaction({ ...tx, value: 1234n });
        const parsed = ethers.Transaction.from(raw);
        const sig = await signer.signMessage(process.env.MESSAGE);
        let refused = "signed";
        try { await signer.signTransaction({ ...tx, value: 1235n }); }
        catch (e) { refused = JSON.stringify(e.error ?? e.info ?? e.message); }
        console.log(JSON.stringify({ from: parsed.from, value: parsed.value.toString(), chainId: parsed.chainId.toString(),
          sig, recovered: ethers.verifyMessage(process.env.MESSAGE, sig), refused }));
      })().catch(e => { console.error(e); process.exit(1); });
      """;

  @Test
  void theReadmeSnippetSignsThroughJsonRpc() throws Exception {
    Path modules = NodeSnippets.install("ethers", VERSION, "lib.commonjs");
    JsonNode vector = EvmVectors.load("eip191.json").stream()
        .filter(v -> v.get("messageEncoding").asText().equals("utf8")).findFirst().orElseThrow();
    String address = vector.get("address").asText();
    try (TenantNode node = TenantNode.start(temp.resolve("data"), null)) {
      String token = NodeSnippets.keyWithPolicy(node, vector,
          "rules: {evm_signing: {eip191: true}, evm_transaction: {max_value: 1234}}", "sign:evm:tx,sign:evm:eip191");
      JsonNode result = NodeSnippets.run(temp, SCRIPT, Map.of(
          "ETHERS", modules.resolve("ethers").toString(), "URL", "http://127.0.0.1:" + node.node.port(), "TOKEN", token, "ADDRESS", address,
          "MESSAGE", vector.get("message").asText()));
      assertEquals(address, result.get("from").asText(), "ethers recovers the signer of the raw transaction");
      assertEquals("1234", result.get("value").asText());
      assertEquals("1", result.get("chainId").asText());
      assertEquals(vector.get("signature").get("serialized").asText(), result.get("sig").asText());
      assertEquals(address, result.get("recovered").asText());
      assertTrue(result.get("refused").asText().contains("evm_value"), result.toString());
    }
  }
}
