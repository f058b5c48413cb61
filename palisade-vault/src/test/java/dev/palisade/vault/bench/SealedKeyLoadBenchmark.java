package dev.palisade.vault.bench;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.TestKeys;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.keys.KeySealer;
import dev.palisade.vault.keys.LoadSummary;
import dev.palisade.vault.keys.SealedKeyLoader;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.store.Dialect;
import dev.palisade.vault.store.SealedKeyStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Fast-start benchmark. Run {@code generate} once, then {@code load} in a fresh JVM with the heap
 * limit to measure (e.g. {@code -Xmx512m}):
 *
 * <pre>
 * java -cp ... dev.palisade.vault.bench.SealedKeyLoadBenchmark generate DIR N
 * java -Xmx512m -cp ... dev.palisade.vault.bench.SealedKeyLoadBenchmark load DIR
 * </pre>
 *
 * DIR gets a sealed-file KEK ({@code kek.sealed}, default scrypt cost, passphrase "bench") and a
 * SQLite database ({@code vault.db}) holding N sealed random keys of the operator "bench".
 */
public final class SealedKeyLoadBenchmark {
  private static final OperatorId OPERATOR = new OperatorId("bench");
  private static final Passphrase PASSPHRASE = Passphrase.of("bench");
  private static final int CHUNK = 5_000;

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: generate DIR N | load DIR [parallelism]");
      System.exit(2);
    }
    Path dir = Path.of(args[1]);
    switch (args[0]) {
      case "generate" -> generate(dir, Integer.parseInt(args[2]));
      case "load" -> load(dir, args.length > 2 ? Integer.parseInt(args[2])
          : Runtime.getRuntime().availableProcessors());
      case "unseal-only" -> unsealOnly(dir);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void generate(Path dir, int count) throws Exception {
    Files.createDirectories(dir);
    long started = System.nanoTime();
    try (SealedFileKek kek =
        SealedFileKek.openOrCreate(dir.resolve("kek.sealed"), PASSPHRASE, ScryptParams.DEFAULT)) {
      SealedKeyStore store =
          new SealedKeyStore(dev.palisade.vault.store.TestSqlite.dataSource(dir.resolve("vault.db")), Dialect.SQLITE);
      long sealNanos = 0;
      int inserted = 0;
      for (int offset = 0; offset < count; offset += CHUNK) {
        int size = Math.min(CHUNK, count - offset);
        int first = offset;
        long sealStart = System.nanoTime();
        List<SealedKey> chunk =
            IntStream.range(0, size)
                .parallel()
                .mapToObj(i -> sealRandom(first + i, kek))
                .toList();
        sealNanos += System.nanoTime() - sealStart;
        inserted += store.insertAllNew(new ArrayList<>(chunk));
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(
          "generated %d sealed keys (%d new) in %.1f s; key creation + sealing %.0f keys/s%n",
          count, inserted, seconds, count / (sealNanos / 1e9));
    }
  }

  private static SealedKey sealRandom(long seed, SealedFileKek kek) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1);
    java.util.Random bytes = new java.util.Random(random.nextLong());
    try (BlsSecretKey key = TestKeys.random(bytes)) {
      return KeySealer.seal(key, OPERATOR, kek);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Projection for a crypto API that builds a key from authenticated bytes without deriving the
   * public key: everything {@code load} does (read, unwrap, decrypt, hold a blst key per public
   * key) except the G1 scalar multiplication. Not a vault: blst keys held in a map.
   */
  private static void unsealOnly(Path dir) throws Exception {
    long started = System.nanoTime();
    try (SealedFileKek kek = SealedFileKek.open(dir.resolve("kek.sealed"), PASSPHRASE)) {
      long kekOpened = System.nanoTime();
      SealedKeyStore store =
          new SealedKeyStore(dev.palisade.vault.store.TestSqlite.dataSource(dir.resolve("vault.db")), Dialect.SQLITE);
      java.util.concurrent.ConcurrentHashMap<dev.palisade.eth2.BlsPublicKey, supranational.blst.SecretKey> held =
          new java.util.concurrent.ConcurrentHashMap<>();
      List<SealedKey> records = store.list(OPERATOR);
      long read = System.nanoTime();
      records.parallelStream().forEach(record -> {
        try (dev.palisade.crypto.SecretBytes secret = KeySealer.openSecret(record, kek)) {
          supranational.blst.SecretKey key = new supranational.blst.SecretKey();
          key.from_bendian(secret.array());
          held.put(record.publicKey(), key);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      long loaded = System.nanoTime();
      records = null;
      System.gc();
      System.gc();
      long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.printf(
          "unseal-only %d keys: KEK unlock %.2f s, read %.2f s, unwrap+decrypt %.2f s, total %.2f s;"
              + " heap after GC %.1f MiB%n",
          held.size(), (kekOpened - started) / 1e9, (read - kekOpened) / 1e9,
          (loaded - read) / 1e9, (loaded - started) / 1e9, heapUsed / 1048576.0);
    }
  }

  private static void load(Path dir, int parallelism) throws Exception {
    long started = System.nanoTime();
    try (SealedFileKek kek = SealedFileKek.open(dir.resolve("kek.sealed"), PASSPHRASE);
        InProcessVault vault = new InProcessVault()) {
      long kekOpened = System.nanoTime();
      SealedKeyStore store =
          new SealedKeyStore(dev.palisade.vault.store.TestSqlite.dataSource(dir.resolve("vault.db")), Dialect.SQLITE);
      LoadSummary summary = new SealedKeyLoader(store, KekRing.of(kek), parallelism).loadInto(vault, OPERATOR);
      long loaded = System.nanoTime();
      System.gc();
      System.gc();
      long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      long peakUsed =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP)
              .mapToLong(pool -> pool.getPeakUsage().getUsed())
              .sum();
      System.out.printf(
          "loaded %d keys (%d failures) with %d threads: KEK unlock %.2f s, unseal %.2f s"
              + " (%.0f keys/s), total %.2f s; heap after GC %.1f MiB (max %.0f MiB, pool peaks sum"
              + " %.1f MiB)%n",
          vault.publicKeys().size(),
          summary.failures().size(),
          parallelism,
          (kekOpened - started) / 1e9,
          (loaded - kekOpened) / 1e9,
          summary.loaded() / ((loaded - kekOpened) / 1e9),
          (loaded - started) / 1e9,
          heapUsed / 1048576.0,
          Runtime.getRuntime().maxMemory() / 1048576.0,
          peakUsed / 1048576.0);
    }
  }
}
