package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code palisade run} as a real process, configured the three ways an operator can (flags,
 * environment, config file), with the EIP-2335 test keystore; a validator-style request signs.
 */
class RunProcessTest {
  private static final String PUBKEY =
      "0x9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07";
  private static final String PASSWORD =
      "\uD835\uDD31\uD835\uDD22\uD835\uDD30\uD835\uDD31\uD835\uDD2D\uD835\uDD1E\uD835\uDD30\uD835\uDD30\uD835\uDD34\uD835\uDD2C\uD835\uDD2F\uD835\uDD21\uD83D\uDD11";
  // "RANDAO_REVEAL phase0" of signing/mainnet_signing_vectors.generated.json
  private static final String RANDAO_EPOCH = "10";
  private static final String RANDAO_SIGNATURE =
      "0xb2b317d0a1c669d3d56f3d5d1af3b7d06dd1e3cebe2aa721766a83d39c86b93ceebb8283aeab7026bab86ffba8ceb4fb"
          + "1853250afccfc589dc84f637aa4e26d7e7110941bd647a1b0c04f7f111f8396bf404207ab4572a9bf5c111c4cb55f312";

  @TempDir Path temp;

  @Test
  void runsWithKeystoreFromEnvironmentAndConfigFileAndSigns() throws Exception {
    Path keystores = Files.createDirectories(temp.resolve("keys"));
    try (InputStream in = getClass().getResourceAsStream("/vectors/eip2335-keystores/erc2335_pbkdf2_test_vector.keystore.json")) {
      Files.copy(in, keystores.resolve("validator.json"));
    }
    Path passwords = Files.createDirectories(temp.resolve("passwords"));
    Files.writeString(passwords.resolve("validator.txt"), PASSWORD + "\n", StandardCharsets.UTF_8);
    int port = freePort();
    Path config = Files.writeString(
        temp.resolve("palisade.yaml"),
        "http-listen-port: " + port + "\nkeystores-passwords-path: " + passwords + "\n");

    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "run", "--config-file", config.toString(),
        "--data-path", temp.resolve("data").toString(), "--metrics-port", "0"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PALISADE_KEYSTORES_PATH", keystores.toString());
    Process process = builder.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> pump(process.getInputStream(), lines));
    reader.setDaemon(true);
    reader.start();
    try {
      List<String> seen = new ArrayList<>();
      String line;
      while ((line = lines.poll(60, TimeUnit.SECONDS)) != null) {
        seen.add(line);
        if (line.startsWith("Ready:")) {
          break;
        }
      }
      String output = String.join("\n", seen);
      assertTrue(output.contains("listening on http://127.0.0.1:" + port), output);
      assertTrue(output.contains("network mainnet"), output);
      assertTrue(output.contains("Ready: 1 key(s)"), output);
      assertTrue(!output.contains(PASSWORD), "the password never appears in the output");

      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String body = "{\"type\":\"RANDAO_REVEAL\",\"fork_info\":{\"fork\":{\"previous_version\":\"0x00000000\","
          + "\"current_version\":\"0x00000000\",\"epoch\":\"0\"},\"genesis_validators_root\":"
          + "\"0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95\"},"
          + "\"randao_reveal\":{\"epoch\":\"" + RANDAO_EPOCH + "\"}}";
      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/eth2/sign/" + PUBKEY))
              .header("Content-Type", "application/json")
              .header("Accept", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      assertEquals("{\"signature\":\"" + RANDAO_SIGNATURE + "\"}", response.body());
      HttpResponse<String> health = client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthcheck")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health.body());
    } finally {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static void pump(InputStream in, BlockingQueue<String> lines) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
