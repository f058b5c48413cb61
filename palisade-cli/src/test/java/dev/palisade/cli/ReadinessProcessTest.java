package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.Eip2335Keystore;
import dev.palisade.crypto.Kdf;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code palisade run} with 2,000 pbkdf2 keystores, polled on {@code GET
 * /api/v1/eth2/publicKeys} from the first moment its port answers: a client that fetches the list
 * once at start (Lodestar, Teku) must never get an empty or partial one, so every 200 lists all
 * 2,000 keys (and the answer is 503 until then).
 */
class ReadinessProcessTest {
  private static final int KEYS = 2_000;

  @TempDir Path temp;

  @Test
  void everyKeyListAnsweredWhileStartingHoldsEveryKey() throws Exception {
    Path keystores = Files.createDirectories(temp.resolve("keys"));
    Path password = Files.writeString(temp.resolve("password.txt"), "readiness password");
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < KEYS; i++) {
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      secret[0] = (byte) (1 + (secret[0] & 0x3f)); // below the curve order
      try (BlsSecretKey key = BlsSecretKey.fromBytes(secret)) {
        // a cheap KDF: the test is about readiness, not decryption cost
        Files.writeString(keystores.resolve(String.format(Locale.ROOT, "k-%05d.json", i)),
            Eip2335Keystore.encrypt(key, "readiness password", new Kdf.Pbkdf2(64, Kdf.randomSalt(random)), "", random)
                .toJson());
      }
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process process = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
            Main.class.getName(), "run", "--http-listen-port", Integer.toString(port), "--data-path",
            temp.resolve("data").toString(), "--metrics-enabled=false", "--keystores-path", keystores.toString(),
            "--keystores-password-file", password.toString())
        .redirectErrorStream(true).redirectOutput(temp.resolve("out.log").toFile()).start();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    HttpRequest list = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/eth2/publicKeys"))
        .timeout(Duration.ofSeconds(10)).build();
    List<Integer> sizes = new ArrayList<>();
    int unavailable = 0;
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (System.nanoTime() < deadline && sizes.size() < 20) {
        assertTrue(process.isAlive(), () -> "palisade stopped: " + read(temp.resolve("out.log")));
        HttpResponse<String> answer;
        try {
          answer = client.send(list, HttpResponse.BodyHandlers.ofString());
        } catch (IOException notListeningYet) {
          Thread.sleep(5);
          continue;
        }
        if (answer.statusCode() == 503) {
          unavailable++;
          continue;
        }
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode keys = new ObjectMapper().readTree(answer.body());
        sizes.add(keys.size());
      }
    } finally {
      process.destroy();
      process.waitFor(20, TimeUnit.SECONDS);
    }
    assertTrue(sizes.size() >= 20, "the key list was answered " + sizes.size() + " times: " + read(temp.resolve("out.log")));
    sizes.forEach(size -> assertEquals(KEYS, size, "a 200 listed a partial key list: " + sizes));
    System.out.printf("publicKeys: %d answers 503 while loading, then %d answers of %d keys%n", unavailable, sizes.size(), KEYS);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(no output)";
    }
  }
}
