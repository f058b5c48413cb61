package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The {@code palisade} command against one data path, as tests drive it: in this JVM ({@link #cli}),
 * or as a real {@code palisade run} process, with the EIP-2335 test key's constants.
 */
final class PalisadeHarness {
  static final String PUBKEY =
      "0x9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07";
  static final String PASSWORD =
      "\uD835\uDD31\uD835\uDD22\uD835\uDD30\uD835\uDD31\uD835\uDD2D\uD835\uDD1E\uD835\uDD30\uD835\uDD30\uD835\uDD34\uD835\uDD2C\uD835\uDD2F\uD835\uDD21\uD83D\uDD11";
  static final String SECRET_HEX = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
  /** "RANDAO_REVEAL phase0" of signing/mainnet_signing_vectors.generated.json. */
  static final String RANDAO_SIGNATURE =
      "0xb2b317d0a1c669d3d56f3d5d1af3b7d06dd1e3cebe2aa721766a83d39c86b93ceebb8283aeab7026bab86ffba8ceb4fb"
          + "1853250afccfc589dc84f637aa4e26d7e7110941bd647a1b0c04f7f111f8396bf404207ab4572a9bf5c111c4cb55f312";

  private final Path data;

  PalisadeHarness(Path data) {
    this.data = data;
  }

  record Outcome(int code, String out, String err) {
    String all() {
      return out + "\n" + err;
    }
  }

  /** Runs a command in this JVM against the test's data path. */
  Outcome cli(String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      List<String> all = new ArrayList<>(List.of(args));
      all.add("--data-path");
      all.add(data.toString());
      int code = Main.execute(all.toArray(String[]::new), Map.of());
      return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  static void assertNoClearKeyUnder(Path dir) throws IOException {
    byte[] raw = HexFormat.of().parseHex(SECRET_HEX);
    byte[][] needles = {
      raw,
      SECRET_HEX.getBytes(StandardCharsets.US_ASCII),
      SECRET_HEX.toUpperCase().getBytes(StandardCharsets.US_ASCII),
      SECRET_HEX.substring(8).getBytes(StandardCharsets.US_ASCII) // without the leading zeros
    };
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().endsWith(".sqlite")), "scanned " + files);
    for (Path file : files) {
      byte[] content = Files.readAllBytes(file);
      for (byte[] needle : needles) {
        assertFalse(contains(content, needle), "clear key bytes in " + file);
      }
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  record Ended(int code, String output) {}

  final class Running implements AutoCloseable {
    final Process process;
    final int port;
    final List<String> seen = new ArrayList<>();

    Running(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    String output() {
      return String.join("\n", seen);
    }

    void assertSignsRandao() throws Exception {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String body = "{\"type\":\"RANDAO_REVEAL\",\"fork_info\":{\"fork\":{\"previous_version\":\"0x00000000\","
          + "\"current_version\":\"0x00000000\",\"epoch\":\"0\"},\"genesis_validators_root\":"
          + "\"0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95\"},"
          + "\"randao_reveal\":{\"epoch\":\"10\"}}";
      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/eth2/sign/" + PUBKEY))
              .header("Content-Type", "application/json")
              .header("Accept", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      assertEquals("{\"signature\":\"" + RANDAO_SIGNATURE + "\"}", response.body());
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private Process start(Map<String, String> environment, int port, String... extra) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "run", "--http-listen-port", Integer.toString(port),
        "--data-path", data.toString(), "--metrics-port", "0"));
    command.addAll(List.of(extra));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("PALISADE_KEK_PASSPHRASE");
    builder.environment().remove("PALISADE_PKCS11_PIN");
    builder.environment().remove("AWS_ACCESS_KEY_ID");
    builder.environment().remove("AWS_SECRET_ACCESS_KEY");
    builder.environment().putAll(environment);
    return builder.start();
  }

  /** Starts {@code palisade run} and waits until it is ready. */
  Running run(Map<String, String> environment, String... extra) throws Exception {
    int port = freePort();
    Running running = new Running(start(environment, port, extra), port);
    BlockingQueue<String> lines = pump(running.process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line == null) {
        if (!running.process.isAlive() && lines.isEmpty()) {
          break;
        }
        continue;
      }
      running.seen.add(line);
      if (line.startsWith("Ready:")) {
        return running;
      }
    }
    running.close();
    throw new AssertionError("not ready: " + running.output());
  }

  /** Starts {@code palisade run} expecting it to stop by itself. */
  Ended runToExit(Map<String, String> environment, String... extra) throws Exception {
    Process process = start(environment, freePort(), extra);
    BlockingQueue<String> lines = pump(process);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("still running: " + String.join("\n", lines));
    }
    Thread.sleep(200); // let the pump drain
    return new Ended(process.exitValue(), String.join("\n", lines));
  }

  private static BlockingQueue<String> pump(Process process) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
