package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Sealed keys under a KEK in a real SoftHSM2 token: {@code palisade keys import --kek-provider
 * pkcs11}, then {@code palisade run --kek-provider pkcs11} as a real process signing the RANDAO
 * vector; a wrong PIN is a clear error that changes nothing; a run with another provider for the
 * same keys names the configured one. And {@code --kek-provider aws-kms} against a local stub of the
 * KMS calls (AWS cannot be reached here), credentials from the SDK's default chain.
 */
class KekProvidersProcessTest {
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
  private Path pin;
  private Path wrongPin;
  private SoftHsm hsm;

  @BeforeEach
  void keystoreAndToken() throws Exception {
    hsm = SoftHsm.token();
    keystores = Files.createDirectories(temp.resolve("keys"));
    try (InputStream in = getClass().getResourceAsStream("/vectors/eip2335-keystores/erc2335_pbkdf2_test_vector.keystore.json")) {
      Files.copy(in, keystores.resolve("validator.json"));
    }
    passwords = Files.createDirectories(temp.resolve("passwords"));
    Files.writeString(passwords.resolve("validator.txt"), PASSWORD + "\n", StandardCharsets.UTF_8);
    data = temp.resolve("data");
    pin = Files.writeString(temp.resolve("pin"), SoftHsm.USER_PIN + "\n");
    wrongPin = Files.writeString(temp.resolve("wrong-pin"), "0000-wrong\n");
  }

  /** {@code more}, then the token by its position in the slot list and the KEK by its label. */
  private String[] pkcs11(String... more) {
    List<String> args = new ArrayList<>(List.of(more));
    args.addAll(List.of(
        "--kek-provider", "pkcs11", "--pkcs11-library", hsm.library.toString(),
        "--pkcs11-slot-index", "0", "--pkcs11-key-label", "cli-kek"));
    return args.toArray(String[]::new);
  }

  @Test
  void keysImportedUnderTheTokenKekSignAndAWrongPinOrProviderChangesNothing() throws Exception {
    Outcome imported = importKeys(pin);
    assertEquals(0, imported.code(), imported.all());
    assertTrue(imported.out().contains("Imported 1 key(s), 0 duplicate(s), 0 failed"), imported.all());
    String listBefore = cli("keys", "list").out();
    assertTrue(listBefore.contains(PUBKEY + "  pkcs11:cli-kek"), listBefore);
    assertFalse(Files.exists(data.resolve("kek.sealed")), "no sealed-file KEK is made");

    try (Running node = run(Map.of(), pkcs11("--pkcs11-pin-file", pin.toString()))) {
      assertTrue(node.output().contains("Loaded 1 sealed key(s)"), node.output());
      assertTrue(node.output().contains("Ready: 1 key(s)"), node.output());
      node.assertSignsRandao();
    }

    // A wrong PIN: `run` stops before serving, `keys import` imports nothing.
    Ended wrongRun = runToExit(Map.of(), pkcs11("--pkcs11-pin-file", wrongPin.toString()));
    assertNotEquals(0, wrongRun.code(), wrongRun.output());
    assertTrue(wrongRun.output().contains("the HSM refused the PIN")
        && wrongRun.output().contains("nothing was changed"), wrongRun.output());
    assertFalse(wrongRun.output().contains("listening on"), "it never serves: " + wrongRun.output());
    assertFalse(wrongRun.output().contains("0000-wrong"), "the PIN never appears");
    Outcome wrongImport = importKeys(wrongPin);
    assertEquals(1, wrongImport.code(), wrongImport.all());
    assertTrue(wrongImport.err().contains("the HSM refused the PIN"), wrongImport.all());
    Ended noPin = runToExit(Map.of(), pkcs11());
    assertNotEquals(0, noPin.code(), noPin.output());
    assertTrue(noPin.output().contains("no PKCS#11 PIN was given")
        && noPin.output().contains("--pkcs11-pin-file")
        && noPin.output().contains("PALISADE_PKCS11_PIN"), noPin.output());

    // The same keys with another provider: refused, naming the configured one.
    Path passphrase = Files.writeString(temp.resolve("kek-pass"), "correct horse battery staple\n");
    Ended otherProvider = runToExit(Map.of(), "--kek-passphrase-file", passphrase.toString());
    assertNotEquals(0, otherProvider.code(), otherProvider.output());
    assertTrue(otherProvider.output().contains("wrapped by the pkcs11 KEK pkcs11:cli-kek")
        && otherProvider.output().contains("--kek-provider pkcs11"), otherProvider.output());
    Outcome otherImport = cli("keys", "import", "--keystores-path", keystores.toString(),
        "--keystores-passwords-path", passwords.toString(), "--kek-passphrase-file", passphrase.toString());
    assertEquals(1, otherImport.code(), otherImport.all());
    assertTrue(otherImport.err().contains("--kek-provider pkcs11"), otherImport.all());
    assertFalse(Files.exists(data.resolve("kek.sealed")), "the refused provider created nothing");

    assertEquals(listBefore, cli("keys", "list").out());
    // restart, the PIN now from the environment
    try (Running node = run(Map.of("PALISADE_PKCS11_PIN", SoftHsm.USER_PIN), pkcs11())) {
      assertTrue(node.output().contains("Ready: 1 key(s)"), node.output());
      node.assertSignsRandao();
    }
    assertNoClearKeyUnder(data);
  }

  @Test
  void keysImportedUnderAnAwsKmsKeySignThroughTheDefaultCredentialsChain() throws Exception {
    try (KmsStub kms = new KmsStub()) {
      String[] options = {
        "--kek-provider", "aws-kms", "--aws-kms-key-id", KmsStub.KEY_ARN, "--aws-kms-region", "eu-west-1",
        "--aws-kms-endpoint", kms.endpoint().toString()
      };
      List<String> importArgs = new ArrayList<>(List.of("keys", "import", "--keystores-path", keystores.toString(),
          "--keystores-passwords-path", passwords.toString()));
      importArgs.addAll(List.of(options));
      // The default chain reads system properties first (in this JVM), the environment in the child.
      System.setProperty("aws.accessKeyId", "AKIDPALISADETEST");
      System.setProperty("aws.secretAccessKey", "fake-secret");
      Outcome imported;
      try {
        imported = cli(importArgs.toArray(String[]::new));
      } finally {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
      }
      assertEquals(0, imported.code(), imported.all());
      assertTrue(imported.out().contains("Imported 1 key(s), 0 duplicate(s), 0 failed"), imported.all());
      assertTrue(cli("keys", "list").out().contains(PUBKEY + "  aws-kms:" + KmsStub.KEY_ARN));
      assertEquals(1, kms.count("GenerateDataKey"));
      Map<String, String> credentials = Map.of(
          "AWS_ACCESS_KEY_ID", "AKIDPALISADETEST", "AWS_SECRET_ACCESS_KEY", "fake-secret");
      try (Running node = run(credentials, options)) {
        assertTrue(node.output().contains("Ready: 1 key(s)"), node.output());
        node.assertSignsRandao();
      }
      assertTrue(kms.count("Decrypt") >= 1, "the child unwrapped the data key through KMS");
      Ended sealedFile = runToExit(Map.of(), "--kek-passphrase-file", pin.toString());
      assertNotEquals(0, sealedFile.code(), sealedFile.output());
      assertTrue(sealedFile.output().contains("--kek-provider aws-kms"), sealedFile.output());
      assertNoClearKeyUnder(data);
    }
  }

  @Test
  void providerOptionsAreChecked() {
    Outcome unknown = cli("keys", "import", "--keystores-path", keystores.toString(),
        "--keystores-password-file", passwords.resolve("validator.txt").toString(), "--kek-provider", "vault");
    assertNotEquals(0, unknown.code(), unknown.all());
    assertTrue(unknown.err().contains("sealed-file, pkcs11 or aws-kms"), unknown.all());
    Outcome mixed = cli("keys", "import", "--keystores-path", keystores.toString(),
        "--keystores-password-file", passwords.resolve("validator.txt").toString(), "--pkcs11-slot-index", "0");
    assertNotEquals(0, mixed.code(), mixed.all());
    assertTrue(mixed.err().contains("need --kek-provider pkcs11"), mixed.all());
    Outcome kms = cli("keys", "import", "--keystores-path", keystores.toString(),
        "--keystores-password-file", passwords.resolve("validator.txt").toString(), "--kek-provider", "aws-kms");
    assertNotEquals(0, kms.code(), kms.all());
    assertTrue(kms.err().contains("--aws-kms-key-id and --aws-kms-region"), kms.all());
    Outcome rotate = cli(pkcs11("kek", "rotate", "--new-kek-passphrase-file", pin.toString()));
    assertNotEquals(0, rotate.code(), rotate.all());
  }

  // ---- helpers (as in SealedKeysProcessTest) --------------------------------------------------

  private Outcome importKeys(Path pinFile) {
    return cli(pkcs11("keys", "import", "--keystores-path", keystores.toString(),
        "--keystores-passwords-path", passwords.toString(), "--pkcs11-pin-file", pinFile.toString()));
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
    builder.environment().remove("PALISADE_PKCS11_PIN");
    builder.environment().remove("AWS_ACCESS_KEY_ID");
    builder.environment().remove("AWS_SECRET_ACCESS_KEY");
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
