package dev.palisade.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real local EVM node for tests: ganache 7.9.2 from the npm registry (installed once into the temp
 * directory with the ordinary npm client), started on a free port with one funded account and stopped
 * by the test. Tests using it are skipped only when npm itself is not on the machine.
 */
final class Ganache implements AutoCloseable {
  static final String VERSION = "7.9.2";
  private final Process process;
  final int port;

  private Ganache(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static Ganache start(long chainId, String fundedSecretKey) throws Exception {
    Path home = Path.of(System.getProperty("java.io.tmpdir"), "palisade-ganache-" + VERSION);
    Path bin = home.resolve("node_modules").resolve(".bin").resolve("ganache");
    if (!Files.isExecutable(bin)) {
      assumeTrue(onPath("npm") && onPath("node"), "npm and node are needed to install ganache");
      Files.createDirectories(home);
      Process install = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", home.toString(),
          "ganache@" + VERSION).redirectErrorStream(true).redirectOutput(home.resolve("install.log").toFile()).start();
      if (!install.waitFor(5, TimeUnit.MINUTES) || install.exitValue() != 0) {
        install.destroyForcibly();
        throw new IllegalStateException("npm install ganache failed: see " + home.resolve("install.log"));
      }
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process process = new ProcessBuilder(List.of(bin.toString(), "--chain.chainId", Long.toString(chainId),
        "--server.host", "127.0.0.1", "--server.port", Integer.toString(port),
        "--wallet.accounts", fundedSecretKey + ",100000000000000000000", "--logging.quiet"))
        .redirectErrorStream(true).redirectOutput(home.resolve("ganache-" + port + ".log").toFile()).start();
    Ganache ganache = new Ganache(process, port);
    HttpClient client = HttpClient.newHttpClient();
    for (int i = 0; i < 300; i++) {
      try {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(ganache.url())
            .timeout(Duration.ofSeconds(2)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          return ganache;
        }
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    ganache.close();
    throw new IllegalStateException("ganache did not start");
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** Whether {@code command} is an executable on the PATH (the ethers test uses it too). */
  static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
