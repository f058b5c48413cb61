package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
    Path home = Path.of(System.getProperty("java.io.tmpdir"), "palisade-ethers-" + VERSION);
    Path ethers = home.resolve("node_modules").resolve("ethers");
    if (!Files.isDirectory(ethers.resolve("lib.commonjs"))) {
      assumeTrue(Ganache.onPath("npm") && Ganache.onPath("node"), "npm and node are needed for ethers");
      Files.createDirectories(home);
      Process install = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", home.toString(),
          "ethers@" + VERSION).redirectErrorStream(true).redirectOutput(home.resolve("install.log").toFile()).start();
      if (!install.waitFor(5, TimeUnit.MINUTES) || install.exitValue() != 0) {
        install.destroyForcibly();
        throw new IllegalStateException("npm install ethers failed: see " + home.resolve("install.log"));
      }
    }
    JsonNode vector = EvmVectors.load("eip191.json").stream()
        .filter(v -> v.get("messageEncoding").asText().equals("utf8")).findFirst().orElseThrow();
    String address = vector.get("address").asText();
    try (TenantNode node = TenantNode.start(temp.resolve("data"), null)) {
      String admin = node.identity("admin", "default", "admin,keys:write");
      ObjectNode body = EvmVectors.JSON.createObjectNode();
      body.put("keystore", EvmVectors.keystore(vector.get("secretKey").asText(), "pw"));
      body.put("password", "pw");
      assertEquals(201, node.call("POST", "/admin/v1/evm/keys", admin, body.toString()).statusCode());
      node.setPolicy("default", "key", address, "rules: {evm_signing: {eip191: true}, evm_transaction: {max_value: 1234}}");
      String token = node.identity("dapp", "default", "sign:evm:tx,sign:evm:eip191");
      Path script = Files.writeString(temp.resolve("snippet.cjs"), SCRIPT);
      ProcessBuilder run = new ProcessBuilder("node", script.toString()).redirectErrorStream(true)
          .redirectOutput(temp.resolve("node.log").toFile());
      run.environment().put("ETHERS", ethers.toString());
      run.environment().put("URL", "http://127.0.0.1:" + node.node.port());
      run.environment().put("TOKEN", token);
      run.environment().put("ADDRESS", address);
      run.environment().put("MESSAGE", vector.get("message").asText());
      Process process = run.start();
      boolean finished = process.waitFor(2, TimeUnit.MINUTES);
      String output = Files.readString(temp.resolve("node.log"));
      if (!finished) {
        process.destroyForcibly();
      }
      assertTrue(finished && process.exitValue() == 0, output);
      JsonNode result = TenantNode.read(output.lines().reduce((a, b) -> b).orElseThrow());
      assertEquals(address, result.get("from").asText(), "ethers recovers the signer of the raw transaction");
      assertEquals("1234", result.get("value").asText());
      assertEquals("1", result.get("chainId").asText());
      assertEquals(vector.get("signature").get("serialized").asText(), result.get("sig").asText());
      assertEquals(address, result.get("recovered").asText());
      assertTrue(result.get("refused").asText().contains("evm_value"), result.toString());
    }
  }
}
