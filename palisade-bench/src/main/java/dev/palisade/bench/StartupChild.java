package dev.palisade.bench;

import dev.palisade.eth2.Networks;
import dev.palisade.server.NodeConfig;
import dev.palisade.server.PalisadeNode;
import dev.palisade.server.ServerConfig;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.keys.LoadSummary;
import dev.palisade.vault.keys.SealedKeyLoader;
import dev.palisade.store.Dialect;
import dev.palisade.vault.store.SealedKeyStore;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The startup row's child JVM (started by {@link StartupBench} with {@code -Xmx512m}): a fresh
 * process that does what a server does at start with sealed keys, in order:
 *
 * <ol>
 *   <li>{@code PalisadeNode.start}: SQLite slashing store, identities, audit, the HTTP server
 *       listening ({@code /healthcheck} answers 503: no keys yet);
 *   <li>unlock the sealed-file KEK (scrypt, the default cost) and open the sealed-key database;
 *   <li>{@link SealedKeyLoader#loadInto} the node's own {@code InProcessVault} (unwrap + decrypt
 *       every key on all cores; public keys verified afterwards in the background);
 *   <li>{@code PalisadeNode.adoptVaultKeys}: register every public key with the slashing store and
 *       the default operator, and mark the node ready;
 *   <li>{@code GET /healthcheck} answers 200.
 * </ol>
 *
 * Every milestone is printed on stdout as {@code STARTUP name epochMillis}; then the heap used
 * after a full GC, then (optionally) when the background verification finished.
 *
 * <p>Arguments: {@code keyDir nodeDataDir passphrase operator verifyWaitSeconds registerSample}
 * (0: register every key with {@code adoptVaultKeys}; n: register only n keys, timed, for
 * extrapolation, and the node stays not ready).
 */
public final class StartupChild {
  private StartupChild() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    mark(out, "main");
    Path keyDir = Path.of(args[0]);
    Path nodeData = Path.of(args[1]);
    String passphrase = args[2];
    String operator = args[3];
    double verifyWait = Double.parseDouble(args[4]);
    int registerSample = Integer.parseInt(args[5]);

    NodeConfig config =
        new NodeConfig(
            new ServerConfig("127.0.0.1", 0, 64 * 1024, ServerConfig.defaultSigningThreads()),
            Networks.named("mainnet"),
            nodeData,
            NodeConfig.SlashingConfig.embedded(),
            Optional.empty());
    try (PalisadeNode node = PalisadeNode.start(config)) {
      int before = healthcheck(node.port());
      mark(out, "listening");
      out.println("STARTUP healthBeforeKeys " + before);

      SealedKeyLoader loader;
      try (Passphrase p = Passphrase.of(passphrase);
          SealedFileKek kek = SealedFileKek.open(keyDir.resolve(SealedFileKek.DEFAULT_FILE_NAME), p)) {
        mark(out, "kekUnlocked");
        SealedKeyStore store =
            new SealedKeyStore(SealedKeyStore.openSqlite(keyDir.resolve("vault.db")).dataSource(), Dialect.SQLITE);
        mark(out, "storeOpened");
        loader = new SealedKeyLoader(store, KekRing.of(kek));
        LoadSummary summary =
            loader.loadInto(node.vault(), new dev.palisade.vault.seal.OperatorId(operator));
        mark(out, "unsealed");
      if (registerSample > 0) out.println("STARTUP heapUsedAfterGcUnsealed " + heapAfterGc());
        out.println("STARTUP loaded " + summary.loaded());
        out.println("STARTUP failures " + summary.failures().size());
      }
      if (registerSample <= 0) {
        int adopted = node.adoptVaultKeys();
        mark(out, "registered");
        out.println("STARTUP adopted " + adopted);
        int after = healthcheck(node.port());
        mark(out, "ready");
        out.println("STARTUP healthAfterKeys " + after);
      } else {
        // Registering every key is too slow to run in full here (one transaction per key in the
        // identity store): register a sample, time each half, and let the parent extrapolate.
        java.util.List<dev.palisade.eth2.BlsPublicKey> sample =
            node.loadedKeys().stream().sorted().limit(registerSample).toList();
        long t0 = System.nanoTime();
        node.slashingProtection().registerValidators(sample);
        long t1 = System.nanoTime();
        node.access().store().assignUnownedKeys(sample, dev.palisade.server.access.AccessControl.DEFAULT_OPERATOR);
        long t2 = System.nanoTime();
        out.println("STARTUP sampleRegistered " + sample.size());
        out.println("STARTUP sampleSlashingNanos " + (t1 - t0));
        out.println("STARTUP sampleOperatorNanos " + (t2 - t1));
        out.println("STARTUP healthAfterKeys " + healthcheck(node.port()));
      }
      out.flush();

      long heapUsed = heapAfterGc();
      long peak =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(pool -> pool.getType() == MemoryType.HEAP)
              .mapToLong(pool -> pool.getPeakUsage().getUsed())
              .sum();
      out.println("STARTUP heapUsedAfterGc " + heapUsed);
      out.println("STARTUP heapPoolPeaksSum " + peak);
      out.println("STARTUP maxHeap " + Runtime.getRuntime().maxMemory());
      out.println("STARTUP jvmStart " + ManagementFactory.getRuntimeMXBean().getStartTime());
      out.flush();

      if (verifyWait > 0) {
        try {
          SealedKeyLoader.Verification v = loader.verification().get((long) (verifyWait * 1000), TimeUnit.MILLISECONDS);
          mark(out, "verified");
          out.println("STARTUP verifiedKeys " + v.verified());
          out.println("STARTUP verifyRemoved " + v.removed().size());
        } catch (java.util.concurrent.TimeoutException e) {
          out.println("STARTUP verifiedKeys -1");
        }
      }
      out.println("STARTUP done " + System.currentTimeMillis());
      out.flush();
    }
    System.exit(0);
  }

  private static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void mark(PrintStream out, String name) {
    out.println(String.format(Locale.ROOT, "STARTUP %s %d", name, System.currentTimeMillis()));
    out.flush();
  }

  /** GET /healthcheck on loopback; the status code. */
  private static int healthcheck(int port) throws Exception {
    HttpURLConnection c =
        (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/healthcheck").toURL().openConnection();
    c.setConnectTimeout(10_000);
    c.setReadTimeout(30_000);
    try {
      int code = c.getResponseCode();
      (code >= 400 ? c.getErrorStream() : c.getInputStream()).readAllBytes();
      return code;
    } finally {
      c.disconnect();
    }
  }
}
