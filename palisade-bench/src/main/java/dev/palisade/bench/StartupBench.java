package dev.palisade.bench;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.keys.KeySealer;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.store.Dialect;
import dev.palisade.vault.store.SealedKeyStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The startup row: N sealed keys (generated once into a SQLite database + sealed-file KEK and
 * cached), then a child JVM with {@code -Xmx512m} timed from process start until a {@code
 * PalisadeNode} holding every key answers {@code /healthcheck} 200 (see {@link StartupChild}).
 */
final class StartupBench {
  static final String PASSPHRASE = "palisade-bench";
  static final OperatorId OPERATOR = OperatorId.DEFAULT; // the node's default operator
  static final String CHILD_HEAP = "-Xmx512m";
  private static final int CHUNK = 5_000;

  private final PrintStream log;

  StartupBench(PrintStream log) {
    this.log = log;
  }

  /** How the key set came to be: generated now (and how long that took) or reused from the cache. */
  record Generation(Path dir, int keys, boolean cached, double seconds, double sealRatePerSecond) {}

  /** Milestones (seconds since the child process was started) and what the child reported. */
  record Result(Map<String, Double> milestones, Map<String, Long> values, int exitCode) {
    double at(String name) {
      return milestones.getOrDefault(name, Double.NaN);
    }

    long value(String name) {
      return values.getOrDefault(name, -1L);
    }
  }

  /** Generates {@code count} sealed keys into {@code dir} unless a complete set is already there. */
  Generation prepare(Path dir, int count) throws Exception {
    Path marker = dir.resolve("complete");
    String expected = "keys " + count + " operator " + OPERATOR.value() + " format " + SealedKey.CURRENT_FORMAT;
    if (Files.exists(marker) && Files.readString(marker).trim().equals(expected)) {
      log.printf(Locale.ROOT, "startup: reusing %d sealed keys cached in %s (delete it to regenerate)%n", count, dir);
      return new Generation(dir, count, true, 0, 0);
    }
    if (Files.exists(dir)) BenchMain.deleteQuietly(dir);
    Files.createDirectories(dir);
    log.printf(Locale.ROOT, "startup: generating %d sealed keys into %s (once; cached for later runs)%n", count, dir);
    long started = System.nanoTime();
    long sealNanos = 0;
    int inserted = 0;
    try (Passphrase passphrase = Passphrase.of(PASSPHRASE);
        SealedFileKek kek =
            SealedFileKek.create(dir.resolve(SealedFileKek.DEFAULT_FILE_NAME), passphrase, ScryptParams.DEFAULT)) {
      SealedKeyStore store =
          new SealedKeyStore(SealedKeyStore.openSqlite(dir.resolve("vault.db")).dataSource(), Dialect.SQLITE);
      store.registerKek(kek.id(), "sealed-file", dir.resolve(SealedFileKek.DEFAULT_FILE_NAME).toString());
      store.setOperatorKek(OPERATOR, kek.id());
      for (int offset = 0; offset < count; offset += CHUNK) {
        int first = offset;
        long t = System.nanoTime();
        List<SealedKey> chunk =
            IntStream.range(0, Math.min(CHUNK, count - offset))
                .parallel()
                .mapToObj(i -> seal(first + i, kek))
                .toList();
        sealNanos += System.nanoTime() - t;
        inserted += store.insertAllNew(new ArrayList<>(chunk));
      }
    }
    if (inserted != count) throw new IllegalStateException("inserted " + inserted + " of " + count + " sealed keys");
    Files.writeString(marker, expected + "\n");
    double seconds = (System.nanoTime() - started) / 1e9;
    double rate = count / Math.max(1e-9, sealNanos / 1e9);
    log.printf(Locale.ROOT, "startup: generated %d sealed keys in %.1f s (key creation + sealing %.0f keys/s)%n",
        count, seconds, rate);
    return new Generation(dir, count, false, seconds, rate);
  }

  private static SealedKey seal(int index, SealedFileKek kek) {
    // distinct from the e2e keys (BenchKeys.secret(0..N)), though it would not matter: another process
    try (BlsSecretKey key = BlsSecretKey.fromBytes(BenchKeys.secret(10_000_000 + index))) {
      return KeySealer.seal(key, OPERATOR, kek);
    } catch (Exception e) {
      throw new IllegalStateException("cannot seal bench key " + index, e);
    }
  }

  /**
   * Starts {@link StartupChild} in a fresh JVM with {@code -Xmx512m} on the bench's own class path
   * and collects its milestones, timed from just before the process is forked.
   */
  Result runChild(Generation keys, Path nodeData, double verifyWaitSeconds, int registerSample) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java, CHILD_HEAP, "-cp", System.getProperty("java.class.path"), StartupChild.class.getName(),
            keys.dir().toString(), nodeData.toString(), PASSPHRASE, OPERATOR.value(),
            Double.toString(verifyWaitSeconds), Integer.toString(registerSample));
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    Map<String, Double> milestones = new LinkedHashMap<>();
    Map<String, Long> values = new LinkedHashMap<>();
    long forkedAt = System.currentTimeMillis();
    Process child = pb.start();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (!line.startsWith("STARTUP ")) {
          log.println("startup child: " + line);
          continue;
        }
        String[] parts = line.split(" ");
        long v = Long.parseLong(parts[2]);
        if (isMilestone(parts[1])) {
          milestones.put(parts[1], (v - forkedAt) / 1000.0);
        } else {
          values.put(parts[1], v);
        }
      }
    } catch (IOException e) {
      child.destroyForcibly();
      throw e;
    }
    if (!child.waitFor(600, TimeUnit.SECONDS)) {
      child.destroyForcibly();
      throw new IllegalStateException("startup child did not exit");
    }
    if (values.containsKey("jvmStart")) {
      milestones.put("jvmStart", (values.get("jvmStart") - forkedAt) / 1000.0);
    }
    return new Result(milestones, values, child.exitValue());
  }

  private static boolean isMilestone(String name) {
    return switch (name) {
      case "main", "listening", "kekUnlocked", "storeOpened", "unsealed", "registered", "ready", "verified" -> true;
      default -> false;
    };
  }
}
