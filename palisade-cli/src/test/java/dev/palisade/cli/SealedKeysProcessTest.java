package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.server.Database;
import dev.palisade.server.NodeConfig;
import dev.palisade.server.keys.SealedKeys;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.keys.KekRotation;
import dev.palisade.vault.seal.OperatorId;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealed keys end to end: {@code palisade keys import}, then {@code palisade run} as a real process
 * with only the KEK passphrase, signing the RANDAO vector; restarts, wrong passphrases, deletion,
 * KEK rotation (also resumed after an interruption), and no clear key anywhere in the data directory.
 */
class SealedKeysProcessTest {
  private static final String PUBKEY =
      "0x9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07";
  private static final String PASSWORD =
      "\uD835\uDD31\uD835\uDD22\uD835\uDD30\uD835\uDD31\uD835\uDD2D\uD835\uDD1E\uD835\uDD30\uD835\uDD30\uD835\uDD34\uD835\uDD2C\uD835\uDD2F\uD835\uDD21\uD83D\uDD11";
  private static final String SECRET_HEX = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
  private static final String RANDAO_SIGNATURE =
      "0xb2b317d0a1c669d3d56f3d5d1af3b7d06dd1e3cebe2aa721766a83d39c86b93ceebb8283aeab7026bab86ffba8ceb4fb"
          + "1853250afccfc589dc84f637aa4e26d7e7110941bd647a1b0c04f7f111f8396bf404207ab4572a9bf5c111c4cb55f312";

  @TempDir Path temp;
  private Path keystores;
  private Path passwords;
  private Path data;
  private Path passphrase;

  @BeforeEach
  void keystore() throws IOException {
    keystores = Files.createDirectories(temp.resolve("keys"));
    try (InputStream in = getClass().getResourceAsStream("/vectors/eip2335-keystores/erc2335_pbkdf2_test_vector.keystore.json")) {
      Files.copy(in, keystores.resolve("validator.json"));
    }
    passwords = Files.createDirectories(temp.resolve("passwords"));
    Files.writeString(passwords.resolve("validator.txt"), PASSWORD + "\n", StandardCharsets.UTF_8);
    data = temp.resolve("data");
    passphrase = Files.writeString(temp.resolve("kek-pass"), "correct horse battery staple\n");
  }

  @Test
  void importedKeySignsAcrossRestartsAndNoClearKeyIsAtRest() throws Exception {
    Outcome imported = importKeys(passphrase);
    assertEquals(0, imported.code(), imported.all());
    assertTrue(imported.out().contains("Imported 1 key(s), 0 duplicate(s), 0 failed"), imported.all());
    assertTrue(imported.err().contains("1/1 keys") && imported.err().contains("keys/s"), "progress bar: " + imported.err());
    assertFalse(imported.all().contains(PASSWORD), "the keystore password never appears");
    Outcome again = importKeys(passphrase);
    assertEquals(0, again.code(), again.all());
    assertTrue(again.out().contains("Imported 0 key(s), 1 duplicate(s), 0 failed"), again.all());
    assertTrue(cli("keys", "list").out().contains(PUBKEY + "  sealed-file:"));

    try (Running node = run(Map.of(), "--kek-passphrase-file", passphrase.toString())) {
      assertTrue(node.output().contains("Loaded 1 sealed key(s)"), node.output());
      assertTrue(node.output().contains("Ready: 1 key(s)"), node.output());
      node.assertSignsRandao();
    }
    // restart, the passphrase now from the environment
    try (Running node = run(Map.of("PALISADE_KEK_PASSPHRASE", "correct horse battery staple"))) {
      assertTrue(node.output().contains("Ready: 1 key(s)"), node.output());
      node.assertSignsRandao();
    }
    assertNoClearKeyUnder(data);
  }

  @Test
  void wrongOrMissingPassphraseIsAClearErrorAndChangesNothing() throws Exception {
    assertEquals(0, importKeys(passphrase).code());
    byte[] kekBefore = Files.readAllBytes(data.resolve("kek.sealed"));
    String listBefore = cli("keys", "list").out();
    Path wrong = Files.writeString(temp.resolve("wrong-pass"), "not the passphrase\n");

    Ended wrongRun = runToExit(Map.of(), "--kek-passphrase-file", wrong.toString());
    assertNotEquals(0, wrongRun.code(), wrongRun.output());
    assertTrue(wrongRun.output().contains("wrong passphrase for KEK file"), wrongRun.output());
    assertFalse(wrongRun.output().contains("listening on"), "it never serves: " + wrongRun.output());

    Ended noPassphrase = runToExit(Map.of());
    assertNotEquals(0, noPassphrase.code(), noPassphrase.output());
    assertTrue(noPassphrase.output().contains("1 sealed key(s)")
        && noPassphrase.output().contains("--kek-passphrase-file")
        && noPassphrase.output().contains("PALISADE_KEK_PASSPHRASE"), noPassphrase.output());

    Outcome wrongImport = importKeys(wrong);
    assertEquals(1, wrongImport.code(), wrongImport.all());
    assertTrue(wrongImport.err().contains("wrong passphrase"), wrongImport.all());

    assertArrayEquals(kekBefore, Files.readAllBytes(data.resolve("kek.sealed")));
    assertEquals(listBefore, cli("keys", "list").out());
    try (Running node = run(Map.of(), "--kek-passphrase-file", passphrase.toString())) {
      node.assertSignsRandao();
    }
  }

  @Test
  void rotateTheKekAlsoAfterAnInterruptionThenDeleteTheKey() throws Exception {
    assertEquals(0, importKeys(passphrase).code());
    Path second = Files.writeString(temp.resolve("second-pass"), "second passphrase\n");
    Outcome rotated = cli("kek", "rotate", "--kek-passphrase-file", passphrase.toString(),
        "--new-kek-passphrase-file", second.toString());
    assertEquals(0, rotated.code(), rotated.all());
    assertTrue(rotated.out().contains("1 key(s) rewrapped"), rotated.all());
    assertFalse(Files.exists(data.resolve("kek.sealed.new")));
    Ended oldPassphrase = runToExit(Map.of(), "--kek-passphrase-file", passphrase.toString());
    assertNotEquals(0, oldPassphrase.code(), oldPassphrase.output());
    try (Running node = run(Map.of(), "--kek-passphrase-file", second.toString())) {
      node.assertSignsRandao();
    }

    // A rotation to a third KEK that stopped after rewrapping, before the KEK file was replaced.
    Path third = Files.writeString(temp.resolve("third-pass"), "third passphrase\n");
    try (Database database = Database.open(NodeConfig.SlashingConfig.embedded(), data);
        SealedFileKek current = SealedFileKek.open(data.resolve("kek.sealed"), Passphrase.of("second passphrase"));
        SealedFileKek next = SealedFileKek.create(
            data.resolve("kek.sealed.new"), Passphrase.of("third passphrase"), ScryptParams.DEFAULT)) {
      new KekRotation(SealedKeys.store(database), KekRing.of(current), next).rotate(OperatorId.DEFAULT);
    }
    Ended interrupted = runToExit(Map.of(), "--kek-passphrase-file", second.toString());
    assertNotEquals(0, interrupted.code(), interrupted.output());
    assertTrue(interrupted.output().contains("rotation was interrupted"), interrupted.output());
    Outcome resumed = cli("kek", "rotate", "--kek-passphrase-file", second.toString(),
        "--new-kek-passphrase-file", third.toString());
    assertEquals(0, resumed.code(), resumed.all());
    assertTrue(resumed.out().contains("0 key(s) rewrapped, 1 already on the new KEK"), resumed.all());
    try (Running node = run(Map.of(), "--kek-passphrase-file", third.toString())) {
      node.assertSignsRandao();
    }

    Outcome deleted = cli("keys", "delete", PUBKEY);
    assertEquals(0, deleted.code(), deleted.all());
    assertTrue(cli("keys", "list").out().contains("0 sealed key(s)"));
    assertEquals(1, cli("keys", "delete", PUBKEY).code());
    // with no sealed key left, `palisade run` starts without any passphrase (the quick start)
    try (Running node = run(Map.of())) {
      assertTrue(node.output().contains("Ready: 0 key(s)"), node.output());
    }
    assertNoClearKeyUnder(data);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private Outcome importKeys(Path kekPassphrase) {
    return cli("keys", "import", "--keystores-path", keystores.toString(),
        "--keystores-passwords-path", passwords.toString(), "--kek-passphrase-file", kekPassphrase.toString());
  }

  private record Outcome(int code, String out, String err) {
    String all() {
      return out + "\n" + err;
    }
  }

  /** Runs a command in this JVM against the test's data path. */
  private Outcome cli(String... args) {
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

  private static void assertNoClearKeyUnder(Path dir) throws IOException {
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

  private record Ended(int code, String output) {}

  private final class Running implements AutoCloseable {
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
    builder.environment().putAll(environment);
    return builder.start();
  }

  /** Starts {@code palisade run} and waits until it is ready. */
  private Running run(Map<String, String> environment, String... extra) throws Exception {
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
  private Ended runToExit(Map<String, String> environment, String... extra) throws Exception {
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
