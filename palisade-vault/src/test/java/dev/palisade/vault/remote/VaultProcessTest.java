package dev.palisade.vault.remote;

import static org.junit.jupiter.api.Assertions.*;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.vault.SigningVectors;
import dev.palisade.vault.VaultRefusedException;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vault as a separate JVM ({@link VaultProcess#main}) holding the test key (from its EIP-2335
 * keystore: the test JVM never reads the secret before its heap is dumped), reached over its socket.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VaultProcessTest {
  @TempDir static Path dir;
  private static Process vault;
  private static RemoteVault remote;
  private static final StringBuilder output = new StringBuilder();

  @BeforeAll
  static void spawnVault() throws Exception {
    Path keystores = Files.createDirectories(dir.resolve("keystores"));
    try (InputStream in = VaultProcessTest.class.getResourceAsStream("/keystores/pbkdf2.json")) {
      Files.copy(in, keystores.resolve("pbkdf2.json"));
    }
    Path password = dir.resolve("password.txt");
    Files.writeString(password, "\uD835\uDD31\uD835\uDD22\uD835\uDD30\uD835\uDD31\uD835\uDD2D\uD835\uDD1E\uD835\uDD30\uD835\uDD30\uD835\uDD34\uD835\uDD2C\uD835\uDD2F\uD835\uDD21\uD83D\uDD11", StandardCharsets.UTF_8);
    Path socket = dir.resolve("run").resolve("vault.sock");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    vault = new ProcessBuilder(
            java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), VaultProcess.class.getName(),
            "--socket", socket.toString(), "--data-path", dir.resolve("data").toString(), "--network", "mainnet",
            "--keystores-path", keystores.toString(), "--keystores-password-file", password.toString())
        .redirectErrorStream(true)
        .start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(vault.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          synchronized (output) {
            output.append(line).append('\n');
          }
          if (line.startsWith("vault ready")) {
            ready.complete(null);
          }
        }
      } catch (Exception e) {
        // process ended
      }
      ready.completeExceptionally(new IllegalStateException("vault exited:\n" + output));
    }, "vault-output");
    reader.setDaemon(true);
    reader.start();
    ready.get(60, TimeUnit.SECONDS);
    remote = new RemoteVault(socket, 4, Duration.ofSeconds(20));
  }

  @AfterAll
  static void stopVault() throws Exception {
    if (remote != null) {
      remote.close();
    }
    if (vault != null) {
      vault.destroy(); // SIGTERM: the shutdown hook closes the server and zeroes the keys
      if (!vault.waitFor(10, TimeUnit.SECONDS)) {
        vault.destroyForcibly();
      }
    }
  }

  @Test
  @Order(1)
  void everyMainnetVectorSignsExactlyThroughTheVaultProcess() {
    BlsPublicKey key = SigningVectors.publicKey();
    assertEquals(Set.of(key), remote.publicKeys());
    List<SigningVectors.Vector> vectors = SigningVectors.ordered();
    for (SigningVectors.Vector v : vectors) {
      assertEquals(v.signature(), remote.sign(key, v.requestJson(), v.request(), null).toHex(), v.name());
    }
    SigningVectors.Vector firstBlock = vectors.stream().filter(v -> v.group() == 1).findFirst().orElseThrow();
    assertEquals(VaultRefusedException.Rule.BLOCK_SLOT_BELOW_WATERMARK,
        assertThrows(VaultRefusedException.class, () -> remote.sign(key, firstBlock.requestJson(), null, null)).rule());
    assertTrue(Files.exists(dir.resolve("data").resolve("vault-watermarks.log")));
  }

  @Test
  @Order(2)
  void theVaultHeapHoldsTheSecretAndTheCallersHeapDoesNot() throws Exception {
    BlsPublicKey key = SigningVectors.publicKey();
    SigningVectors.Vector randao =
        SigningVectors.ordered().stream().filter(v -> v.type().equals("RANDAO_REVEAL")).findFirst().orElseThrow();
    assertEquals(randao.signature(), remote.sign(key, randao.requestJson(), null, null).toHex());

    Path ownDump = dir.resolve("caller.hprof");
    Path vaultDump = dir.resolve("vault.hprof");
    heapDump(ProcessHandle.current().pid(), ownDump);
    heapDump(vault.pid(), vaultDump);

    // Only now does this JVM read the secret, to search for it.
    byte[] secret = SigningVectors.secret();
    List<byte[]> forms = SecretForms.of(secret);
    java.util.Arrays.fill(secret, (byte) 0);
    try {
      assertFalse(SecretForms.foundIn(vaultDump, forms).isEmpty(), "the scan sees the vault's key");
      assertEquals(List.of(), SecretForms.foundIn(ownDump, forms), "the caller's heap holds no form of the secret");
    } finally {
      SecretForms.wipe(forms);
      Files.deleteIfExists(ownDump);
      Files.deleteIfExists(vaultDump);
    }
  }

  private static void heapDump(long pid, Path file) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process process = new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_dump", file.toString())
        .redirectErrorStream(true)
        .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), out);
    assertTrue(Files.size(file) > 0, out);
  }
}
