package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.server.evm.EvmApi;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
    Path home = Path.of(System.getProperty("java.io.tmpdir"), "palisade-viem-" + VERSION);
    Path viem = home.resolve("node_modules").resolve("viem");
    if (!Files.isDirectory(viem.resolve("_cjs"))) {
      assumeTrue(Ganache.onPath("npm") && Ganache.onPath("node"), "npm and node are needed for viem");
      Files.createDirectories(home);
      Process install = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", home.toString(),
          "viem@" + VERSION).redirectErrorStream(true).redirectOutput(home.resolve("install.log").toFile()).start();
      if (!install.waitFor(5, TimeUnit.MINUTES) || install.exitValue() != 0) {
        install.destroyForcibly();
        throw new IllegalStateException("npm install viem failed: see " + home.resolve("install.log"));
      }
    }
    JsonNode vector = EvmVectors.load("eip191.json").stream()
        .filter(v -> v.get("messageEncoding").asText().equals("utf8")).findFirst().orElseThrow();
    String address = vector.get("address").asText();
    try (TenantNode node = TenantNode.start(temp.resolve("data"), null,
        new EvmApi.EvmConfig(Optional.of(BigInteger.ONE), Optional.empty()))) {
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
      run.environment().put("NODE_PATH", home.resolve("node_modules").toString());
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
      assertEquals(address, result.get("from").asText(), "viem recovers the signer of the raw transaction");
      assertEquals("1234", result.get("value").asText());
      assertEquals("1", result.get("chainId").asText());
      assertEquals(vector.get("signature").get("serialized").asText(), result.get("sig").asText());
      assertTrue(result.get("valid").asBoolean(), result.toString());
      assertTrue(result.get("refused").asText().contains("evm_value"), result.toString());
    }
  }
}
