package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Running the README's JavaScript client snippets for real: an npm package installed once per version
 * under the temp directory (like ganache), an EVM key with a policy on a node, and a Node script whose
 * last output line is its JSON result.
 */
final class NodeSnippets {
  private NodeSnippets() {}

  /** {@code <tmp>/palisade-<name>-<version>/node_modules}, installed unless {@code marker} is already there. */
  static Path install(String name, String version, String marker) throws Exception {
    Path home = Path.of(System.getProperty("java.io.tmpdir"), "palisade-" + name + "-" + version);
    Path modules = home.resolve("node_modules");
    if (!Files.isDirectory(modules.resolve(name).resolve(marker))) {
      assumeTrue(Ganache.onPath("npm") && Ganache.onPath("node"), "npm and node are needed for " + name);
      Files.createDirectories(home);
      Process install = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", home.toString(),
          name + "@" + version).redirectErrorStream(true).redirectOutput(home.resolve("install.log").toFile()).start();
      if (!install.waitFor(5, TimeUnit.MINUTES) || install.exitValue() != 0) {
        install.destroyForcibly();
        throw new IllegalStateException("npm install " + name + " failed: see " + home.resolve("install.log"));
      }
    }
    return modules;
  }

  /**
   * Imports the vector's key (admin API) and sets {@code policy} on its address; returns the bearer token
   * of a new identity with {@code scopes}.
   */
  static String keyWithPolicy(TenantNode node, JsonNode vector, String policy, String scopes) {
    String admin = node.identity("admin", "default", "admin,keys:write");
    ObjectNode body = EvmVectors.JSON.createObjectNode();
    body.put("keystore", EvmVectors.keystore(vector.get("secretKey").asText(), "pw"));
    body.put("password", "pw");
    assertEquals(201, node.call("POST", "/admin/v1/evm/keys", admin, body.toString()).statusCode());
    node.setPolicy("default", "key", vector.get("address").asText(), policy);
    return node.identity("dapp", "default", scopes);
  }

  /** Runs {@code script} with node; fails unless it exits 0 within two minutes; its last line as JSON. */
  static JsonNode run(Path dir, String script, Map<String, String> env) throws Exception {
    Path file = Files.writeString(dir.resolve("snippet.cjs"), script);
    Path log = dir.resolve("node.log");
    ProcessBuilder run = new ProcessBuilder("node", file.toString()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    run.environment().putAll(env);
    Process process = run.start();
    boolean finished = process.waitFor(2, TimeUnit.MINUTES);
    String output = Files.readString(log);
    if (!finished) {
      process.destroyForcibly();
    }
    assertTrue(finished && process.exitValue() == 0, output);
    return TenantNode.read(output.lines().reduce((a, b) -> b).orElseThrow());
  }
}
