package dev.palisade.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One {@link SoakNodeMain} child JVM: started, waited for, SIGKILLed. */
final class SoakNodeProcess implements AutoCloseable {
  private final Process process;
  private final Deque<String> tail = new ArrayDeque<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();

  private SoakNodeProcess(Process process) {
    this.process = process;
    Thread pump = new Thread(this::pump, "soak-node-output");
    pump.setDaemon(true);
    pump.start();
  }

  static SoakNodeProcess start(String jdbcUrl, Path dataPath) throws IOException {
    List<String> command = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-XX:+IgnoreUnrecognizedVMOptions",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"),
        SoakNodeMain.class.getName(), jdbcUrl, dataPath.toString());
    return new SoakNodeProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** Keeps draining (a full pipe would block the node) and keeps the last lines for a failure message. */
  private void pump() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("Ready:")) {
          port.complete(Integer.parseInt(line.substring("Ready:".length()).trim()));
        }
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > 100) {
            tail.removeFirst();
          }
        }
      }
    } catch (IOException ignored) {
      // killed
    }
    port.completeExceptionally(new IllegalStateException("node exited before it was ready:\n" + tail()));
  }

  int awaitPort() throws Exception {
    return port.get(120, TimeUnit.SECONDS);
  }

  String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  /** SIGKILL: no shutdown hook, no drain, no close of anything. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
