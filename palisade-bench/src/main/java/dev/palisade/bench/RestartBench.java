package dev.palisade.bench;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.Eip2335Keystore;
import dev.palisade.crypto.Kdf;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The restart row: how long a validator client waits for its first signature when Palisade is
 * killed (SIGKILL) and started again at once, as systemd's {@code Restart=} does. The real {@code
 * palisade run} (the shaded jar) in a fresh JVM, timed from the fork until a RANDAO_REVEAL is signed
 * with 200; once with N sealed keys in the database, once with N EIP-2335 keystores (pbkdf2 at the
 * staking-deposit-cli cost, 2^18 iterations) decrypted at start. The first start of each is a warm-up
 * (it creates the database); the runs after it follow a SIGKILL of the previous process.
 *
 * <p>{@code java -cp palisade-bench/target/palisade-bench.jar dev.palisade.bench.RestartBench
 * [--keys 1000] [--runs 3] [--palisade-jar palisade-cli/target/palisade.jar]}
 */
public final class RestartBench {
  private static final String PASSWORD = "restart bench keystore password";
  private static final String KEK_PASSPHRASE = "restart bench kek passphrase";

  private RestartBench() {}

  public static void main(String[] args) throws Exception {
    int keys = Integer.parseInt(option(args, "--keys", "1000"));
    int runs = Integer.parseInt(option(args, "--runs", "3"));
    Path jar = Path.of(option(args, "--palisade-jar", "palisade-cli/target/palisade.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("no " + jar + ": build it with mvn -DskipTests package");
    }
    Path work = Files.createTempDirectory("palisade-restart");
    Path keystores = Files.createDirectories(work.resolve("keystores"));
    Path password = Files.writeString(work.resolve("password.txt"), PASSWORD);
    Path kekPassphrase = Files.writeString(work.resolve("kek.txt"), KEK_PASSPHRASE);
    long generating = System.nanoTime();
    String pubkey = generate(keystores, keys);
    System.out.printf(Locale.ROOT, "generated %d keystores in %.1f s%n", keys, (System.nanoTime() - generating) / 1e9);

    Path sealed = work.resolve("sealed-data");
    run(jar, List.of("keys", "import", "--data-path", sealed.toString(), "--keystores-path", keystores.toString(),
        "--keystores-password-file", password.toString(), "--kek-passphrase-file", kekPassphrase.toString()));
    List<Double> sealedTimes = restarts(jar, runs, pubkey,
        List.of("--data-path", sealed.toString(), "--kek-passphrase-file", kekPassphrase.toString()));
    System.out.printf(Locale.ROOT, "restart  sealed     %d keys: SIGKILL -> first signature median %.2f s (runs %s)%n",
        keys, median(sealedTimes), format(sealedTimes));
    List<Double> keystoreTimes = restarts(jar, runs, pubkey,
        List.of("--data-path", work.resolve("keystore-data").toString(), "--keystores-path", keystores.toString(),
            "--keystores-password-file", password.toString()));
    System.out.printf(Locale.ROOT, "restart  keystores  %d keys: SIGKILL -> first signature median %.2f s (runs %s)%n",
        keys, median(keystoreTimes), format(keystoreTimes));
    System.out.printf(Locale.ROOT, "ratio keystores / sealed: %.1f%n", median(keystoreTimes) / median(sealedTimes));
  }

  /** The first start (warm-up) and then {@code runs} restarts, each right after a SIGKILL. */
  private static List<Double> restarts(Path jar, int runs, String pubkey, List<String> options) throws Exception {
    List<Double> times = new ArrayList<>();
    Process previous = null;
    for (int run = 0; run <= runs; run++) {
      if (previous != null) {
        previous.destroyForcibly(); // SIGKILL
        previous.waitFor(30, TimeUnit.SECONDS);
      }
      int port = freePort();
      List<String> command = new ArrayList<>(List.of("run", "--http-listen-port", Integer.toString(port),
          "--metrics-enabled=false", "--logging", "WARN"));
      command.addAll(options);
      long started = System.nanoTime();
      Path log = Files.createTempFile("palisade-restart", ".log");
      previous = start(jar, command, log);
      awaitSignature(previous, port, pubkey, 100L + run, log);
      double seconds = (System.nanoTime() - started) / 1e9;
      if (run > 0) {
        times.add(seconds);
      }
    }
    previous.destroyForcibly();
    previous.waitFor(30, TimeUnit.SECONDS);
    return times;
  }

  private static void awaitSignature(Process process, int port, String pubkey, long epoch, Path log) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    String body = "{\"type\":\"RANDAO_REVEAL\",\"fork_info\":{\"fork\":{\"previous_version\":\"0x00000000\","
        + "\"current_version\":\"0x00000000\",\"epoch\":\"0\"},\"genesis_validators_root\":"
        + "\"0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95\"},"
        + "\"randao_reveal\":{\"epoch\":\"" + epoch + "\"}}";
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/eth2/sign/" + pubkey))
        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("palisade exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("no signature within 10 minutes");
  }

  /** {@code count} keystores at staking-deposit-cli's pbkdf2 cost; returns the first key's pubkey. */
  private static String generate(Path dir, int count) throws Exception {
    SecureRandom random = new SecureRandom();
    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    List<Future<String>> made = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int index = i;
      made.add(pool.submit(() -> {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        secret[0] = (byte) (1 + (secret[0] & 0x3f)); // below the curve order
        try (BlsSecretKey key = BlsSecretKey.fromBytes(secret)) {
          Eip2335Keystore keystore = Eip2335Keystore.encrypt(
              key, PASSWORD, Kdf.Pbkdf2.eip2335Default(random), "m/12381/3600/" + index + "/0/0", random);
          Files.writeString(dir.resolve(String.format(Locale.ROOT, "keystore-%05d.json", index)), keystore.toJson());
          return key.publicKey().toHex();
        }
      }));
    }
    String first = made.get(0).get();
    for (Future<String> future : made) {
      future.get();
    }
    pool.shutdown();
    return first;
  }

  private static Process start(Path jar, List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+ExitOnOutOfMemoryError", "-XX:+UseZGC", "-XX:-ZProactive", "-jar",
        jar.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("PALISADE_"));
    return builder.start();
  }

  private static void run(Path jar, List<String> args) throws Exception {
    Path log = Files.createTempFile("palisade-restart", ".log");
    Process process = start(jar, args, log);
    if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException("palisade " + args.get(0) + " " + args.get(1) + " failed:\n" + Files.readString(log));
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  private static String format(List<Double> values) {
    return values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList().toString();
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
