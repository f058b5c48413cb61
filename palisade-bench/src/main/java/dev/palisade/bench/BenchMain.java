package dev.palisade.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Networks;
import dev.palisade.server.NodeConfig;
import dev.palisade.server.PalisadeNode;
import dev.palisade.server.ServerConfig;
import dev.palisade.vault.InProcessVault;
import dev.palisade.slashing.StoreStats;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code palisade-bench}: Palisade's end-to-end signing figures measured side by side, in one run,
 * against the in-process blst floor, so that the ratios hold on a noisy shared machine.
 */
@Command(
    name = "palisade-bench",
    mixinStandardHelpOptions = true,
    version = "palisade-bench 0.1.0-SNAPSHOT",
    sortOptions = false,
    description = {
      "Measures raw blst signing, then the real HTTP node with its slashing store (SQLite and",
      "PostgreSQL): sustained ATTESTATION rate, a one-slot burst of N validators, latency at 50%% load,",
      "store round trips per signature; prints one table and writes it as JSON."
    })
public final class BenchMain implements Callable<Integer> {
  static final String SIGN_PATH = "/api/v1/eth2/sign/";
  private static final long MAX_EXTRA_WARMUP_NANOS = TimeUnit.SECONDS.toNanos(90);

  @Option(names = "--validators", description = "validators (distinct keys) in e2e, latency and burst; default 10000, 1000 with --quick")
  Integer validators;

  @Option(names = "--quick", description = "short run for CI (about 30 s): 1000 validators, short phases")
  boolean quick;

  @Option(names = "--stores", split = ",", description = "stores to bench: sqlite, postgres (default both); none runs only the raw floor and startup rows")
  List<String> stores = List.of("sqlite", "postgres");

  @Option(names = "--postgres-url", description = "bench this PostgreSQL (jdbc:postgresql://…) instead of starting an embedded one")
  String postgresUrl;

  @Option(names = "--postgres-user", defaultValue = "postgres")
  String postgresUser;

  @Option(names = "--postgres-password", defaultValue = "postgres")
  String postgresPassword;

  @Option(names = "--embedded-pg-fsync", defaultValue = "true", arity = "1",
      description = "embedded PostgreSQL with fsync=on and synchronous_commit=on (durable, like SQLite FULL); default ${DEFAULT-VALUE}. zonky's own default is off")
  boolean embeddedPgFsync;

  @Option(names = "--client", defaultValue = "socket", description = "load generator: socket (lean raw HTTP/1.1) or jdk (java.net.http); default ${DEFAULT-VALUE}")
  String client;

  @Option(names = "--concurrency", defaultValue = "64", description = "requests in flight (connections); default ${DEFAULT-VALUE}")
  int concurrency;

  @Option(names = "--signing-threads", description = "the node's signing pool; default the server's own default")
  Integer signingThreads;

  @Option(names = "--duration", description = "seconds of sustained e2e measurement per store; default 20 (4 with --quick)")
  Double duration;

  @Option(names = "--warmup", description = "seconds of e2e warm-up per store before measuring (the JIT compiler is still busy for the first ~15 s); default 20 (2 with --quick)")
  Double warmup;

  @Option(names = "--latency-duration", description = "seconds of open-loop load at 50%%; default 15 (3 with --quick)")
  Double latencyDuration;

  @Option(names = "--raw-duration", description = "seconds per raw blst sample (3 samples, around each store); default 5 (1.5 with --quick)")
  Double rawDuration;

  @Option(names = "--startup-keys", description = "sealed keys for the startup row (generated once and cached; 0 skips it); default 100000 (2000 with --quick)")
  Integer startupKeys;

  @Option(names = "--startup-cache", description = "where the generated sealed keys are cached; default the work dir if given, else <tmp>/palisade-bench-cache")
  Path startupCache;

  // Registration took 3-9 ms a key until keys were assigned to their operator in one transaction; at
  // ~0.08 ms now, 100,000 keys register in seconds and are measured, not projected.
  @Option(names = "--startup-full-register-max", defaultValue = "1000000",
      description = "above this many keys the startup child registers only a sample with the slashing store and operator and extrapolates (the ready row); default ${DEFAULT-VALUE}")
  int startupFullRegisterMax;

  @Option(names = "--startup-register-sample", defaultValue = "1000", description = "keys in that registration sample; default ${DEFAULT-VALUE}")
  int startupRegisterSample;

  @Option(names = "--startup-verify-wait", description = "seconds the startup child waits, after ready, for the background public-key verification to finish (reported, not timed); default 60 (0 with --quick)")
  Double startupVerifyWait;

  @Option(names = "--messages", defaultValue = "COMMITTEES",
      description = "committees (mainnet's shape: a committee's members sign one attestation message, 2,048 per epoch) or distinct (every attestation its own message: no hash to the curve is shared); default ${DEFAULT-VALUE}")
  Bodies.Messages messages;

  @Option(names = "--json-out", defaultValue = "bench-results.json", description = "where the JSON goes; default ${DEFAULT-VALUE}")
  Path jsonOut;

  @Option(names = "--work-dir", description = "where SQLite and embedded PostgreSQL data live; default a temp directory")
  Path workDir;

  private final PrintStream out = System.out;
  private final PrintStream log = System.err;
  private final List<Row> rows = new ArrayList<>();
  private final GcPauses gcPauses = new GcPauses();
  private final List<Double> rawSamples = new ArrayList<>();
  private final List<Double> rawCpuMsPerSig = new ArrayList<>();
  private int cores;
  private Bodies bodies;

  public static void main(String[] args) throws Exception {
    var child = LauncherCollector.runUnderItIfNoneNamed(args);
    if (child.isPresent()) {
      System.exit(child.getAsInt());
    }
    System.exit(new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    cores = Runtime.getRuntime().availableProcessors();
    int n = validators != null ? validators : quick ? 1000 : 10_000;
    bodies = new Bodies(messages, n);
    double e2eSeconds = duration != null ? duration : quick ? 4 : 20;
    double warmupSeconds = warmup != null ? warmup : quick ? 2 : 20;
    double latencySeconds = latencyDuration != null ? latencyDuration : quick ? 3 : 15;
    double rawSeconds = rawDuration != null ? rawDuration : quick ? 1.5 : 5;
    int startupCount = startupKeys != null ? startupKeys : quick ? 2000 : 100_000;
    int threads = signingThreads != null ? signingThreads : ServerConfig.defaultSigningThreads();
    if (n < 4 * concurrency) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--validators must be at least 4 × --concurrency so one validator's epochs never overlap in flight");
    }
    Path work = workDir != null ? workDir : Files.createTempDirectory("palisade-bench");
    Files.createDirectories(work);
    log.printf(Locale.ROOT, "palisade-bench: %d validators, %d cores, client %s, work dir %s%n", n, cores, client, work);

    LoadSampler loadSampler = new LoadSampler();
    for (String store : stores) {
      if (store.equals("none")) continue; // e.g. --stores none --startup-keys 100000: the startup row alone
      StoreRun run = runStore(store, n, work, threads, e2eSeconds, warmupSeconds, latencySeconds, rawSeconds);
      addStoreRows(run);
    }
    addRawRow();
    addStartupRow(startupCount, work, startupVerifyWait != null ? startupVerifyWait : quick ? 0 : 60);
    addGeneratorRow();
    loadSampler.close();

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("timestamp", Instant.now().toString());
    Map<String, Object> machine = machine();
    machine.put("loadAverage1mDuringRun", loadSampler.summary());
    result.put("machine", machine);
    result.put(
        "config",
        Row.details(
            "validators", n, "client", newClientDescription(), "concurrency", concurrency,
            "signingThreads", threads, "e2eSeconds", e2eSeconds, "warmupSeconds", warmupSeconds,
            "latencySeconds", latencySeconds, "rawSeconds", rawSeconds, "quick", quick,
            "messages", messages.name().toLowerCase(Locale.ROOT)));
    result.put("rows", rows);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    if (jsonOut.toAbsolutePath().getParent() != null) Files.createDirectories(jsonOut.toAbsolutePath().getParent());
    json.writeValue(jsonOut.toFile(), result);
    printTable();
    out.println("load average (1 min) during the run: " + loadSampler.summary());
    out.println("JSON: " + jsonOut.toAbsolutePath());
    if (workDir == null) deleteQuietly(work);
    return 0;
  }

  // --- raw -------------------------------------------------------------------------------------

  /** blst signatures/s in process on {@code cores} threads, after a short warm-up. */
  double rawSignRate(double seconds) throws InterruptedException {
    BlsSecretKey[] keys = new BlsSecretKey[cores];
    for (int i = 0; i < cores; i++) keys[i] = BlsSecretKey.fromBytes(BenchKeys.secret(1_000_000 + i));
    long warmupNanos = (long) (Math.min(1.0, seconds / 3) * 1e9);
    long measureNanos = (long) (seconds * 1e9);
    AtomicLong signatures = new AtomicLong();
    AtomicLong cpuNanos = new AtomicLong();
    long start = System.nanoTime();
    long measureFrom = start + warmupNanos;
    long until = measureFrom + measureNanos;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < cores; t++) {
      BlsSecretKey key = keys[t];
      Thread th =
          new Thread(
              () -> {
                byte[] msg = new byte[32];
                long i = 0;
                long counted = 0;
                long cpu0 = -1;
                java.lang.management.ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
                while (true) {
                  long now = System.nanoTime();
                  if (now >= until) break;
                  if (now >= measureFrom && cpu0 < 0) cpu0 = tmx.getCurrentThreadCpuTime();
                  msg[0] = (byte) i;
                  msg[1] = (byte) (i >> 8);
                  i++;
                  key.sign(Bytes32.wrap(msg.clone()));
                  if (now >= measureFrom) counted++;
                }
                signatures.addAndGet(counted);
                if (cpu0 >= 0) cpuNanos.addAndGet(tmx.getCurrentThreadCpuTime() - cpu0);
              },
              "bench-raw-" + t);
      workers.add(th);
      th.start();
    }
    for (Thread th : workers) th.join();
    for (BlsSecretKey k : keys) k.close();
    double rate = signatures.get() / (measureNanos / 1e9);
    double cpuMs = signatures.get() == 0 ? 0 : cpuNanos.get() / 1e6 / signatures.get();
    rawSamples.add(rate);
    rawCpuMsPerSig.add(cpuMs);
    log.printf(Locale.ROOT, "raw: %.0f signatures/s on %d threads (%.3f ms CPU per signature)%n", rate, cores, cpuMs);
    return rate;
  }

  // --- one store -------------------------------------------------------------------------------

  /** A measured window: {@code startNanos} (System.nanoTime) and {@code seconds} long. */
  record Phase(
      long ok, long errors, String firstError, double seconds, CpuMeter.Shares cpu, StoreStats stats, long startNanos) {
    double rate() {
      return ok / seconds;
    }

    /** The node's CPU (its threads, the JVM's own; not the generator's) per signature, in ms. */
    double nodeCpuMsPerSignature() {
      return cpuMsPerSignature(cpu.node());
    }

    /** CPU per signature, in ms, of whatever used {@code share} of (wall × cores) in this phase. */
    double cpuMsPerSignature(double share) {
      return share * seconds * cpu.cores() * 1000 / Math.max(1, ok);
    }

    long endNanos() {
      return startNanos + (long) (seconds * 1e9);
    }
  }

  record StoreRun(
      String store, String storeDescription, int validators, Phase e2e, double e2eRaw, double rawCpuMsPerSig,
      Phase latency, double latencyRate, double[] latencyMs, Phase burst, double burstRaw, double[] burstMs,
      String client, Phase batch, double batchRaw, Phase slot, double slotRaw, int attesters,
      Map<String, Object> e2eGc, Map<String, Object> latencyGc, Map<String, Object> quarterLoad,
      Map<String, Object> hashToCurve) {}

  private StoreRun runStore(
      String store, int n, Path work, int threads, double e2eSeconds, double warmupSeconds, double latencySeconds,
      double rawSeconds)
      throws Exception {
    EmbeddedPostgres pg = null;
    OptionalLong dbPid = OptionalLong.empty();
    NodeConfig.SlashingConfig slashing;
    String description;
    Path data = work.resolve(store + "-" + System.nanoTime());
    switch (store) {
      case "sqlite" -> {
        slashing = NodeConfig.SlashingConfig.embedded();
        description = "SQLite (WAL, the store's own durability settings) in " + data;
      }
      case "postgres" -> {
        if (postgresUrl != null) {
          slashing = new NodeConfig.SlashingConfig(true, Optional.of(postgresUrl), postgresUser, postgresPassword);
          description = "external PostgreSQL " + postgresUrl + " (its CPU is not measured)";
        } else {
          pg = startEmbeddedPostgres(data.resolve("pg"));
          String url = pg.getJdbcUrl("postgres", "postgres");
          dbPid = postmasterPid(data.resolve("pg"));
          slashing = new NodeConfig.SlashingConfig(true, Optional.of(url), "postgres", null);
          description = "embedded PostgreSQL " + pgSettings(pg) + " (zonky), on loopback";
        }
      }
      default -> throw new IllegalArgumentException("unknown store " + store + " (sqlite, postgres)");
    }
    log.println(store + ": " + description);
    NodeConfig config =
        new NodeConfig(
            new ServerConfig("127.0.0.1", 0, 64 * 1024, threads),
            Networks.named("mainnet"),
            data,
            slashing,
            Optional.empty());
    List<BlsSecretKey> keys = BenchKeys.keys(n);
    String[] paths = keys.stream().map(k -> SIGN_PATH + k.publicKey().toHex()).toArray(String[]::new);
    CpuMeter cpu = new CpuMeter(dbPid);
    try (PalisadeNode node = PalisadeNode.start(config);
        LoadClient http = newClient(node.port())) {
      long t = System.nanoTime();
      node.addKeys(keys);
      log.printf(Locale.ROOT, "%s: %d keys registered in %.1f s%n", store, n, (System.nanoTime() - t) / 1e9);
      // epochs above anything a previous run against the same database used
      AtomicLong seq = new AtomicLong();
      long baseEpoch = System.currentTimeMillis() * 10;
      // the floor is sampled right before and after the e2e phase and after the burst, with the node
      // idle, so each ratio compares figures taken within seconds of each other
      double rawBefore = rawSignRate(rawSeconds);
      double rawCpuBefore = rawCpuMsPerSig.get(rawCpuMsPerSig.size() - 1);
      InProcessVault.HashToCurveStats h0 = node.vault().hashToCurveStats();
      Phase e2e = closedLoop(node, http, cpu, paths, seq, baseEpoch, warmupSeconds, e2eSeconds);
      Map<String, Object> e2eGc = gcPauses.between(e2e.startNanos(), e2e.endNanos());
      InProcessVault.HashToCurveStats h1 = node.vault().hashToCurveStats();
      long hits = h1.hits() - h0.hits();
      long misses = h1.misses() - h0.misses();
      Map<String, Object> hashToCurve = Row.details("messages", messages.name().toLowerCase(Locale.ROOT),
          "reused", hits, "hashed", misses, "reusedShare", round((double) hits / Math.max(1, hits + misses), 3));
      double rawAfterE2e = rawSignRate(rawSeconds);
      double rawCpuAfter = rawCpuMsPerSig.get(rawCpuMsPerSig.size() - 1);
      log.printf(Locale.ROOT, "%s e2e: %.0f signatures/s (%s)%n", store, e2e.rate(), e2e.cpu().describe());
      double rate = e2e.rate() / 2;
      Latencies lat = new Latencies(2_000_000);
      long l0 = System.nanoTime();
      Phase latency = openLoop(node, http, cpu, paths, seq, baseEpoch, rate, latencySeconds, lat);
      Map<String, Object> latencyGc = gcPauses.between(l0, System.nanoTime());
      double[] latencyMs = lat.percentilesMs();
      log.printf(Locale.ROOT, "%s latency at %.0f/s: p50 %.2f ms p99 %.2f ms%n", store, rate, latencyMs[0], latencyMs[2]);
      Map<String, Object> quarterLoad = quarterLoad(store, node, http, cpu, paths, seq, baseEpoch, rate / 2, latencySeconds / 2);
      long burstEpoch = baseEpoch + seq.get() / n + 2;
      Latencies sinceStart = new Latencies(2 * n);
      Phase burst = burst(node, http, cpu, paths, burstEpoch, sinceStart);
      log.printf(Locale.ROOT, "%s burst: %d signatures in %.2f s%n", store, burst.ok(), burst.seconds());
      double rawAfterBurst = rawSignRate(rawSeconds);
      ExtraPhases extra = new ExtraPhases(concurrency, n, bodies);
      seq.set((burstEpoch - baseEpoch + 1) * n); // every batch epoch above the burst's
      Phase batch = extra.batchLoop(node, http, cpu, paths, seq, baseEpoch, warmupSeconds / 2, e2eSeconds / 2);
      log.printf(Locale.ROOT, "%s batch: %.0f items/s (%s)%n", store, batch.rate(), batch.cpu().describe());
      double rawAfterBatch = rawSignRate(rawSeconds);
      int attesters = Math.min(ExtraPhases.SLOT_ATTESTERS, n);
      Phase slot = extra.slotBurst(node, http, cpu, paths, attesters, baseEpoch + seq.get() / n + 2);
      log.printf(Locale.ROOT, "%s slot burst: %d signatures in %.2f s%n", store, slot.ok(), slot.seconds());
      double rawAfterSlot = rawSignRate(rawSeconds);
      return new StoreRun(
          store, description, n, e2e, (rawBefore + rawAfterE2e) / 2, (rawCpuBefore + rawCpuAfter) / 2,
          latency, rate, latencyMs, burst, (rawAfterE2e + rawAfterBurst) / 2, sinceStart.percentilesMs(),
          http.description(), batch, (rawAfterBurst + rawAfterBatch) / 2, slot, (rawAfterBatch + rawAfterSlot) / 2,
          attesters, e2eGc, latencyGc, quarterLoad, hashToCurve);
    } finally {
      if (pg != null) pg.close();
      deleteQuietly(data);
    }
  }

  private LoadClient newClient(int port) {
    return switch (client) {
      case "socket" -> new SocketLoadClient("127.0.0.1", port, concurrency);
      case "jdk" -> new JdkLoadClient("127.0.0.1", port, concurrency, 2);
      default -> throw new IllegalArgumentException("--client must be socket or jdk");
    };
  }

  private String newClientDescription() {
    return client.equals("jdk")
        ? "java.net.http.HttpClient HTTP/1.1 sendAsync + Semaphore(" + concurrency + ")"
        : "raw-socket HTTP/1.1 keep-alive, " + concurrency + " connections";
  }

  /** Sustained rate: {@code concurrency} requests always in flight, every validator in turn, epoch after epoch. */
  private Phase closedLoop(
      PalisadeNode node, LoadClient http, CpuMeter cpu, String[] paths, AtomicLong seq, long baseEpoch,
      double warmupSeconds, double seconds)
      throws InterruptedException {
    int n = paths.length;
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    AtomicLong inFlight = new AtomicLong();
    CountDownLatch drained = new CountDownLatch(1);
    AtomicLong stopAt = new AtomicLong(System.nanoTime() + (long) ((warmupSeconds + seconds) * 1e9) + TimeUnit.SECONDS.toNanos(1));
    Runnable[] next = new Runnable[1];
    next[0] =
        () -> {
          if (System.nanoTime() >= stopAt.get()) {
            if (inFlight.decrementAndGet() == 0) drained.countDown();
            return;
          }
          long s = seq.getAndIncrement();
          int v = (int) (s % n);
          byte[] body = bodies.attestationFor(v, baseEpoch + s / n);
          http.send(
              paths[v],
              body,
              (status, error) -> {
                if (status == 200) {
                  ok.incrementAndGet();
                } else {
                  errors.incrementAndGet();
                  firstError.compareAndSet(null, status + " " + error);
                }
                next[0].run();
              });
        };
    inFlight.set(concurrency);
    for (int i = 0; i < concurrency; i++) next[0].run();
    Thread.sleep((long) (warmupSeconds * 1000));
    if (gcPauses.heapStillGrowing()) {
      long warmedAt = System.nanoTime();
      stopAt.set(Long.MAX_VALUE);
      while (gcPauses.heapStillGrowing() && System.nanoTime() - warmedAt < MAX_EXTRA_WARMUP_NANOS) {
        Thread.sleep(100);
      }
      stopAt.set(System.nanoTime() + (long) (seconds * 1e9) + TimeUnit.SECONDS.toNanos(1));
      log.printf(Locale.ROOT, "warm-up ran %.1f s longer, until the heap had grown to where ZGC recycles it%n",
          (System.nanoTime() - warmedAt) / 1e9);
    }
    CpuMeter.Snapshot c0 = cpu.snapshot();
    StoreStats s0 = node.slashingProtection().stats();
    long ok0 = ok.get();
    long err0 = errors.get();
    Thread.sleep((long) (seconds * 1000));
    long ok1 = ok.get();
    long err1 = errors.get();
    StoreStats s1 = node.slashingProtection().stats();
    CpuMeter.Snapshot c1 = cpu.snapshot();
    if (!drained.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("e2e requests did not drain");
    return new Phase(ok1 - ok0, err1 - err0, firstError.get(), (c1.wallNanos() - c0.wallNanos()) / 1e9,
        cpu.between(c0, c1), s1.since(s0), c0.wallNanos());
  }

  /** Fixed arrival rate (open loop); latency counts from each request's scheduled time. */
  private Phase openLoop(
      PalisadeNode node, LoadClient http, CpuMeter cpu, String[] paths, AtomicLong seq, long baseEpoch,
      double rate, double seconds, Latencies latencies)
      throws InterruptedException {
    int n = paths.length;
    long total = Math.max(1, (long) (rate * seconds));
    long skip = total / 10; // the first 10 % warms the connections after the burst of the e2e phase
    double interval = 1e9 / rate;
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch((int) total);
    CpuMeter.Snapshot c0 = cpu.snapshot();
    StoreStats s0 = node.slashingProtection().stats();
    Thread scheduler =
        new Thread(
            () -> {
              long start = System.nanoTime();
              for (long k = 0; k < total; k++) {
                long due = start + (long) (k * interval);
                long wait;
                while ((wait = due - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
                long s = seq.getAndIncrement();
                int v = (int) (s % n);
                boolean measured = k >= skip;
                http.send(
                    paths[v],
                    bodies.attestationFor(v, baseEpoch + s / n),
                    (status, error) -> {
                      if (status == 200) {
                        ok.incrementAndGet();
                        if (measured) latencies.record(System.nanoTime() - due);
                      } else {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, status + " " + error);
                      }
                      done.countDown();
                    });
              }
            },
            "bench-sched");
    scheduler.start();
    if (!done.await((long) (seconds * 10 + 60), TimeUnit.SECONDS)) {
      throw new IllegalStateException("open-loop requests did not complete");
    }
    StoreStats s1 = node.slashingProtection().stats();
    CpuMeter.Snapshot c1 = cpu.snapshot();
    return new Phase(ok.get(), errors.get(), firstError.get(), (c1.wallNanos() - c0.wallNanos()) / 1e9,
        cpu.between(c0, c1), s1.since(s0), c0.wallNanos());
  }

  /**
   * The latency row's open loop again at half its rate: how the tail depends on the load. At low rates each
   * request travels alone (its own wake-ups, commit and fsync), so the node's CPU per signature rises as the rate
   * falls; this shows where the two cores stop queueing.
   */
  private Map<String, Object> quarterLoad(
      String store, PalisadeNode node, LoadClient http, CpuMeter cpu, String[] paths, AtomicLong seq, long baseEpoch,
      double rate, double seconds) throws InterruptedException {
    Latencies lat = new Latencies(1_000_000);
    Phase phase = openLoop(node, http, cpu, paths, seq, baseEpoch, rate, seconds, lat);
    double[] ms = lat.percentilesMs();
    log.printf(Locale.ROOT, "%s latency at %.0f/s: p50 %.2f ms p99 %.2f ms%n", store, rate, ms[0], ms[2]);
    return Row.details("rate", round(rate, 0), "p50Ms", round(ms[0], 2), "p90Ms", round(ms[1], 2),
        "p99Ms", round(ms[2], 2), "errors", phase.errors(), "cpu", phase.cpu().describe(),
        "nodeCpuMsPerSignature", round(phase.nodeCpuMsPerSignature(), 3));
  }

  /** Every validator's ATTESTATION and AGGREGATION_SLOT for one slot, all queued at once. */
  private Phase burst(
      PalisadeNode node, LoadClient http, CpuMeter cpu, String[] paths, long epoch, Latencies sinceStart)
      throws InterruptedException {
    int n = paths.length;
    long slot = epoch * 32 + 5;
    byte[][] bodies = new byte[2 * n][];
    for (int v = 0; v < n; v++) {
      bodies[2 * v] = this.bodies.slotAttestation(v, slot, epoch);
      bodies[2 * v + 1] = Bodies.aggregationSlot(slot);
    }
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong last = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(2 * n);
    System.gc();
    CpuMeter.Snapshot c0 = cpu.snapshot();
    StoreStats s0 = node.slashingProtection().stats();
    long start = System.nanoTime();
    for (int i = 0; i < 2 * n; i++) {
      String path = paths[i / 2];
      http.send(
          path,
          bodies[i],
          (status, error) -> {
            long now = System.nanoTime();
            if (status == 200) {
              ok.incrementAndGet();
              sinceStart.record(now - start);
            } else {
              errors.incrementAndGet();
              firstError.compareAndSet(null, status + " " + error);
            }
            last.accumulateAndGet(now, Math::max);
            done.countDown();
          });
    }
    if (!done.await(600, TimeUnit.SECONDS)) throw new IllegalStateException("burst did not complete");
    StoreStats s1 = node.slashingProtection().stats();
    CpuMeter.Snapshot c1 = cpu.snapshot();
    return new Phase(ok.get(), errors.get(), firstError.get(), (last.get() - start) / 1e9,
        cpu.between(c0, c1), s1.since(s0), start);
  }

  // --- embedded PostgreSQL ---------------------------------------------------------------------

  private EmbeddedPostgres startEmbeddedPostgres(Path dir) throws IOException {
    Files.createDirectories(dir);
    String onOff = embeddedPgFsync ? "on" : "off";
    return EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(true)
        .setServerConfig("fsync", onOff)
        .setServerConfig("synchronous_commit", onOff)
        .setServerConfig("full_page_writes", onOff)
        .setServerConfig("max_connections", "300")
        .start();
  }

  private static String pgSettings(EmbeddedPostgres pg) {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      StringBuilder sb = new StringBuilder();
      for (String q : List.of("server_version", "fsync", "synchronous_commit")) {
        try (ResultSet rs = st.executeQuery("SHOW " + q)) {
          rs.next();
          sb.append(sb.length() == 0 ? "" : ", ").append(q.equals("server_version") ? "" : q + "=").append(rs.getString(1));
        }
      }
      return sb.toString();
    } catch (Exception e) {
      return "(settings unknown: " + e.getMessage() + ")";
    }
  }

  private static OptionalLong postmasterPid(Path dataDir) {
    try {
      return OptionalLong.of(Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim()));
    } catch (Exception e) {
      return OptionalLong.empty();
    }
  }

  // --- rows ------------------------------------------------------------------------------------

  static String status(boolean met) {
    return met ? "MET" : "MISSED";
  }

  static Double round(double v, int digits) {
    if (Double.isNaN(v)) return null;
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  /** Issue 14: PostgreSQL's own processes share the node's cores, so its e2e target is lower. */
  static double e2eTarget(String store) {
    return store.equals("postgres") ? 0.75 : 0.85;
  }

  private void addStoreRows(StoreRun r) {
    double raw = r.e2eRaw();
    double signMs = 1000.0 * cores / raw; // one signature's blst time on one core
    double e2eRatio = r.e2e().rate() / raw;
    double e2eTarget = e2eTarget(r.store());
    CpuMeter.Shares ec = r.e2e().cpu();
    double nodeCpuMsPerSig = r.e2e().nodeCpuMsPerSignature();
    rows.add(new Row("e2e", r.store(), round(r.e2e().rate(), 0), "signatures/s", round(e2eRatio, 3),
        "e2e ÷ raw (raw sampled just before and after: " + Math.round(raw) + "/s)", "≥ " + e2eTarget,
        status(e2eRatio >= e2eTarget),
        Row.details("store", r.storeDescription(), "validators", r.validators(), "seconds", round(r.e2e().seconds(), 1),
            "errors", r.e2e().errors(), "firstError", r.e2e().firstError(), "cpu", r.e2e().cpu().describe(),
            "generatorCpuShare", round(r.e2e().cpu().generator(), 3), "nodeCpuShare", round(r.e2e().cpu().node(), 3),
            "dbCpuShare", round(r.e2e().cpu().db(), 3), "machineCpuShare", round(r.e2e().cpu().machine(), 3),
            "nodeCpuMsPerSignature", round(nodeCpuMsPerSig, 3), "rawCpuMsPerSignature", round(r.rawCpuMsPerSig(), 3),
            "cpuEfficiency", round(r.rawCpuMsPerSig() / nodeCpuMsPerSig, 3),
            "nodeAllocatedKibPerSignature", round(ec.allocatedKibPer(r.e2e().ok()), 1),
            "nodeCpuByThreadRole", ec.groups(), "hashToCurve", r.hashToCurve())));

    double dbCpuMsPerSig = r.e2e().cpuMsPerSignature(ec.db());
    double efficiency = r.rawCpuMsPerSig() / nodeCpuMsPerSig;
    rows.add(new Row("cpu", r.store(), round(nodeCpuMsPerSig, 3), "ms node CPU per signature (e2e)",
        round(efficiency, 3), "cpuEfficiency = blst CPU/sig (" + round(r.rawCpuMsPerSig(), 3) + " ms) ÷ node CPU/sig",
        "≥ 0.87", status(efficiency >= 0.87),
        Row.details("nodeCpuMsPerSignature", round(nodeCpuMsPerSig, 3), "rawCpuMsPerSignature", round(r.rawCpuMsPerSig(), 3),
            "dbCpuMsPerSignature", round(dbCpuMsPerSig, 3), "dbMeasured", ec.db() > 0,
            "nodeCpuByThreadRole", ec.groups(), "gc", r.e2eGc())));
    rows.addAll(ExtraPhases.rows(r, concurrency));

    double[] b = r.burstMs();
    double ideal = 2.0 * r.validators() / r.burstRaw();
    double burstRatio = r.burst().seconds() / ideal;
    rows.add(new Row("burst", r.store(), round(r.burst().seconds(), 3), "s for " + 2 * r.validators() + " signatures",
        round(burstRatio, 3), "burst ÷ (2N × raw sign time ÷ cores) = burst ÷ " + round(ideal, 3) + " s", "≤ 1.3",
        status(burstRatio <= 1.3 && r.burst().errors() == 0),
        Row.details("p50Ms", round(b[0], 1), "p90Ms", round(b[1], 1), "p99Ms", round(b[2], 1), "maxMs", round(b[3], 1),
            "latencyFrom", "burst start (every request queued at t0; " + concurrency + " in flight)",
            "errors", r.burst().errors(), "firstError", r.burst().firstError(), "cpu", r.burst().cpu().describe(),
            "generatorCpuShare", round(r.burst().cpu().generator(), 3),
            "nodeCpuByThreadRole", r.burst().cpu().groups())));

    double[] l = r.latencyMs();
    rows.add(new Row("latency", r.store(), round(l[2], 2), "ms p99", round(l[2] / signMs, 2),
        "p99 ÷ one blst signature (" + round(signMs, 3) + " ms)", "p99 ≤ 5 ms at 50% load",
        status(l[2] <= 5.0 && r.latency().errors() == 0),
        Row.details("p50Ms", round(l[0], 2), "p90Ms", round(l[1], 2), "p99Ms", round(l[2], 2), "maxMs", round(l[3], 2),
            "rate", round(r.latencyRate(), 0), "achieved", round(r.latency().rate(), 0),
            "latencyFrom", "scheduled send time (open loop, no coordinated omission)",
            "errors", r.latency().errors(), "firstError", r.latency().firstError(), "cpu", r.latency().cpu().describe(),
            "generatorCpuShare", round(r.latency().cpu().generator(), 3),
            "nodeCpuByThreadRole", r.latency().cpu().groups(),
            "nodeCpuMsPerSignature", round(r.latency().nodeCpuMsPerSignature(), 3),
            "nodeAllocatedKibPerSignature", round(r.latency().cpu().allocatedKibPer(r.latency().ok()), 1),
            "gc", r.latencyGc(), "atQuarterLoad", r.quarterLoad())));

    StoreStats e = r.e2e().stats();
    StoreStats bs = r.burst().stats();
    double perSig = r.e2e().ok() == 0 ? 0 : (double) e.roundTrips() / r.e2e().ok();
    double commitsPerSig = r.e2e().ok() == 0 ? 0 : (double) e.commits() / r.e2e().ok();
    // SQLite: statements that decide a check, apart from the batch's BEGIN IMMEDIATE and COMMIT;
    // PostgreSQL: every round trip (pgjdbc sends BEGIN with the first statement).
    boolean sqlite = r.store().equals("sqlite");
    double perCheck = e.checks() == 0 ? 0 : (double) (e.roundTrips() - (sqlite ? 2 * e.commits() : 0)) / e.checks();
    rows.add(new Row("store", r.store(), round(perCheck, 3),
        sqlite ? "statements per check (e2e; + BEGIN/COMMIT per batch)" : "round trips per check (e2e)",
        round(perCheck, 3), "÷ target 1", sqlite ? "1 statement per check" : "≤ 1 round trip per check",
        status(sqlite ? Math.abs(perCheck - 1.0) < 0.005 : perCheck <= 1.0 + 1e-9),
        Row.details("roundTripsPerSignature", round(perSig, 3), "commitsPerSignature", round(commitsPerSig, 3), "checks", e.checks(), "roundTrips", e.roundTrips(),
            "commits", e.commits(), "batches", e.batches(),
            "meanBatch", e.batches() == 0 ? 0 : round((double) e.checks() / e.batches(), 1),
            "maxBatchSize", e.maxBatchSize(), "retries", e.retries(),
            "burstRoundTripsPerSlashingCheck", bs.checks() == 0 ? 0 : round((double) bs.roundTrips() / bs.checks(), 3),
            "burstCommitsPerSlashingCheck", bs.checks() == 0 ? 0 : round((double) bs.commits() / bs.checks(), 3),
            "burstMeanBatch", bs.batches() == 0 ? 0 : round((double) bs.checks() / bs.batches(), 1))));
  }

  private void addRawRow() {
    double mean = rawSamples.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double min = rawSamples.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = rawSamples.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    rows.add(0, new Row("raw", "-", round(mean, 0), "signatures/s (" + cores + " threads)", round(min / max, 3),
        "slowest ÷ fastest raw sample (noise)", "the floor", "N/A",
        Row.details("samples", rawSamples.stream().map(v -> round(v, 0)).toList(),
            "msPerSignaturePerCore", round(1000.0 * cores / mean, 3))));
  }

  /**
   * The startup row: {@code count} sealed keys (generated once, cached), then a child JVM with
   * {@code -Xmx512m} timed from process start until a PalisadeNode holding every key unsealed into
   * its InProcessVault answers {@code /healthcheck} 200; and the child's heap used after a full GC.
   */
  private void addStartupRow(int count, Path work, double verifyWait) throws Exception {
    String target = "100k sealed keys ready ≤ 10 s in ≤ 512 MB heap";
    if (count <= 0) {
      rows.add(new Row("startup", "sqlite", null, "not run", null, null, target, "N/A",
          Row.details("why", "skipped (--startup-keys 0)")));
      return;
    }
    Path cache = startupCache != null ? startupCache.resolve("sealed-keys-" + count)
        : workDir != null ? workDir.resolve("sealed-keys-" + count)
        : Path.of(System.getProperty("java.io.tmpdir"), "palisade-bench-cache", "sealed-keys-" + count);
    StartupBench bench = new StartupBench(log);
    StartupBench.Generation gen = bench.prepare(cache, count);
    Path data = work.resolve("startup-" + System.nanoTime());
    try {
      String loadBefore = loadAverage();
      boolean sampled = count > startupFullRegisterMax;
      int sample = sampled ? Math.min(startupRegisterSample, count) : 0;
      StartupBench.Result r = bench.runChild(gen, data, verifyWait, sample);
      String loadAfter = loadAverage();
      long loaded = r.value("loaded");
      // sampled: the node is not ready (keys not all registered); the row is "vault loaded + HTTP up"
      double measured = sampled ? r.at("unsealed") : r.at("ready");
      double perKeyS = sampled
          ? (r.value("sampleSlashingNanos") + r.value("sampleOperatorNanos")) / 1e9 / Math.max(1, r.value("sampleRegistered"))
          : Double.NaN;
      double projectedReady = sampled ? measured + perKeyS * count : measured;
      boolean ok = r.exitCode() == 0 && loaded == count && r.value("failures") == 0 && !Double.isNaN(measured)
          && (sampled || r.value("healthAfterKeys") == 200);
      double heapMb = (sampled ? r.value("heapUsedAfterGcUnsealed") : r.value("heapUsedAfterGc")) / 1048576.0;
      double maxHeapMb = r.value("maxHeap") / 1048576.0;
      boolean full = count == 100_000;
      String status = !ok ? "MISSED" : !full ? "N/A" : status(measured <= 10.0 && heapMb <= 512.0);
      log.printf(Locale.ROOT, "startup: %d sealed keys %s %.2f s after process start; heap after GC %.1f MB%s%n",
          loaded, sampled ? "in the node's vault, HTTP listening," : "ready (/healthcheck 200)", measured, heapMb,
          sampled ? String.format(Locale.ROOT, "; registration %.2f ms/key (sample %d) → ready projected at %.0f s",
              perKeyS * 1000, r.value("sampleRegistered"), projectedReady) : "");
      Map<String, Object> phases = new LinkedHashMap<>();
      phases.put("jvmStartS", round(r.at("jvmStart"), 3));
      phases.put("mainS", round(r.at("main"), 3));
      phases.put("httpListeningS", round(r.at("listening"), 3));
      phases.put("kekUnlockedS", round(r.at("kekUnlocked"), 3));
      phases.put("storeOpenedS", round(r.at("storeOpened"), 3));
      phases.put("unsealedS", round(r.at("unsealed"), 3));
      phases.put("registeredS", round(r.at("registered"), 3));
      phases.put("readyS", sampled ? null : round(measured, 3));
      phases.put("backgroundVerificationDoneS", r.milestones().containsKey("verified") ? round(r.at("verified"), 3) : null);
      rows.add(new Row("startup", "sqlite", round(measured, 2),
          sampled ? "s process start → " + count + " sealed keys in node vault, HTTP up"
              : "s process start → " + count + " sealed keys, /healthcheck 200",
          round(measured / 10.0, 3),
          "s ÷ 10 s target" + (full ? "" : " (not 100k keys: no verdict)"), target, status,
          Row.details(
              "what", "child JVM " + StartupBench.CHILD_HEAP + ": PalisadeNode.start (SQLite slashing store, HTTP listening),"
                  + " sealed-file KEK unlock (scrypt default cost), SealedKeyLoader into the node's InProcessVault"
                  + (sampled
                      ? "; value = keys unsealed into the vault with HTTP up (/healthcheck still 503). Registration"
                          + " (slashing store + default operator, what adoptVaultKeys does) timed on a sample of "
                          + sample + " keys and extrapolated"
                      : ", adoptVaultKeys (slashing registration + default operator), GET /healthcheck 200"),
              "measuredTo", sampled ? "keys in the node's vault + HTTP listening" : "/healthcheck 200",
              "registrationSample", sampled ? r.value("sampleRegistered") : null,
              "registrationMsPerKeySlashing", sampled ? round(r.value("sampleSlashingNanos") / 1e6 / Math.max(1, r.value("sampleRegistered")), 3) : null,
              "registrationMsPerKeyOperator", sampled ? round(r.value("sampleOperatorNanos") / 1e6 / Math.max(1, r.value("sampleRegistered")), 3) : null,
              "projectedReadyS", round(projectedReady, 1),
              "heapMeasuredAt", sampled ? "keys unsealed (before registration)" : "ready",
              "keys", count, "loaded", loaded, "failures", r.value("failures"), "exitCode", r.exitCode(),
              "healthBeforeKeys", r.value("healthBeforeKeys"), "healthAfterKeys", r.value("healthAfterKeys"),
              "heapUsedAfterGcMb", round(heapMb, 1), "heapPoolPeaksSumMb", round(r.value("heapPoolPeaksSum") / 1048576.0, 1),
              "maxHeapMb", round(maxHeapMb, 0), "heapRatioOf512", round(heapMb / 512.0, 3),
              "secondsSinceProcessStart", phases,
              "backgroundVerifiedKeys", r.value("verifiedKeys"),
              "generation", Row.details("cache", gen.dir().toString(), "cached", gen.cached(),
                  "seconds", round(gen.seconds(), 1), "sealRatePerSecond", round(gen.sealRatePerSecond(), 0)),
              "loadAverageBefore", loadBefore, "loadAverageAfter", loadAfter)));
      if (sampled) {
        // the target is "ready": that needs every key registered, which was only sampled
        rows.add(new Row("ready", "sqlite", round(projectedReady, 1),
            "s process start → /healthcheck 200 (projected)", round(projectedReady / 10.0, 3),
            "projected s to ready ÷ 10 s target", target,
            !ok ? "MISSED" : !full ? "N/A" : status(projectedReady <= 10.0 && heapMb <= 512.0),
            Row.details("what", "the startup row's measured time to keys in the vault + HTTP up, plus "
                    + "registration (adoptVaultKeys: slashing store + default operator) at the per-key cost "
                    + "measured on " + sample + " keys × " + count + " keys",
                "measuredS", round(measured, 2), "registrationMsPerKey", round(perKeyS * 1000, 3),
                "registrationMsPerKeySlashing", round(r.value("sampleSlashingNanos") / 1e6 / Math.max(1, r.value("sampleRegistered")), 3),
                "registrationMsPerKeyOperator", round(r.value("sampleOperatorNanos") / 1e6 / Math.max(1, r.value("sampleRegistered")), 3))));
      }
    } finally {
      deleteQuietly(data);
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private void addGeneratorRow() {
    double worst = 0;
    String where = "";
    for (Row r : rows) {
      Object g = r.details().get("generatorCpuShare");
      if (g instanceof Double d && d > worst) {
        worst = d;
        where = r.name() + "/" + r.store();
      }
    }
    rows.add(new Row("generator", "-", round(worst * 100, 1), "% of all cores (worst phase: " + where + ")",
        round(worst, 3), "generator CPU ÷ (wall × cores)", "reported, not a target", "N/A",
        Row.details("client", newClientDescription(), "threads", CpuMeter.generatorThreadPrefixes())));
  }

  // --- output ----------------------------------------------------------------------------------

  private void printTable() {
    String fmt = "%-10s %-9s %14s  %-38s %9s  %-24s %-7s  %s%n";
    out.printf(Locale.ROOT, fmt, "row", "store", "value", "unit", "ratio", "target", "status", "details");
    for (Row r : rows) {
      out.printf(Locale.ROOT, fmt, r.name(), r.store(), r.value() == null ? "-" : format(r.value()),
          truncate(r.unit(), 38), r.ratio() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.ratio()),
          truncate(r.target(), 24), r.status(), shortDetails(r));
    }
  }

  private static Object hashShare(Object hashToCurve) {
    return hashToCurve instanceof Map<?, ?> m ? m.get("reusedShare") + " (" + m.get("messages") + ")" : "-";
  }

  private static String shortDetails(Row r) {
    Map<String, Object> d = r.details();
    return switch (r.name()) {
      case "e2e" -> "errors " + d.get("errors") + "; CPU/sig node " + d.get("nodeCpuMsPerSignature") + " ms vs blst "
          + d.get("rawCpuMsPerSignature") + " ms; " + d.get("cpu") + "; allocated " + d.get("nodeAllocatedKibPerSignature")
          + " KiB/sig; hash to G2 reused " + hashShare(d.get("hashToCurve"));
      case "burst" -> "p50/p90/p99/max " + d.get("p50Ms") + "/" + d.get("p90Ms") + "/" + d.get("p99Ms") + "/"
          + d.get("maxMs") + " ms; errors " + d.get("errors") + "; " + d.get("cpu");
      case "latency" -> "p50 " + d.get("p50Ms") + " ms, max " + d.get("maxMs") + " ms at " + d.get("rate")
          + "/s; errors " + d.get("errors") + "; " + d.get("cpu") + "; " + gcText(d.get("gc")) + "; at 25% load "
          + quarterText(d.get("atQuarterLoad"));
      case "cpu" -> "blst " + d.get("rawCpuMsPerSignature") + " ms/sig; "
          + (Boolean.TRUE.equals(d.get("dbMeasured")) ? "PostgreSQL's own " + d.get("dbCpuMsPerSignature") + " ms/sig apart" : "no DB process")
          + "; e2e " + gcText(d.get("gc"));
      case "batch", "slot100k" -> "errors " + d.get("errors") + "; " + d.get("cpu");
      case "store" -> "rt/sig " + d.get("roundTripsPerSignature") + ", commits/sig " + d.get("commitsPerSignature") + ", mean batch " + d.get("meanBatch")
          + ", burst rt/check " + d.get("burstRoundTripsPerSlashingCheck");
      case "raw" -> "samples " + d.get("samples");
      case "ready" -> "vault loaded " + d.get("measuredS") + " s + registration " + d.get("registrationMsPerKey")
          + " ms/key (operator " + d.get("registrationMsPerKeyOperator") + ", slashing "
          + d.get("registrationMsPerKeySlashing") + ")";
      case "startup" -> d.containsKey("heapUsedAfterGcMb")
          ? "heap after GC " + d.get("heapUsedAfterGcMb") + " MB of " + d.get("maxHeapMb") + "; " + startupPhases(d)
          : String.valueOf(d.getOrDefault("why", ""));
      default -> String.valueOf(d.getOrDefault("client", ""));
    };
  }

  private static String quarterText(Object quarter) {
    Map<?, ?> q = (Map<?, ?>) quarter;
    return q == null ? "" : "(" + q.get("rate") + "/s): p50 " + q.get("p50Ms") + " ms, p99 " + q.get("p99Ms") + " ms, node "
        + q.get("nodeCpuMsPerSignature") + " ms CPU/sig";
  }

  @SuppressWarnings("unchecked")
  private static String gcText(Object gc) {
    Map<?, ?> g = (Map<?, ?>) gc;
    return g == null ? "" : "GC pauses " + g.get("pauses") + ", max " + g.get("pauseMaxMs") + " ms, >1 ms: "
        + g.get("pausesOver1Ms") + "; other safepoints >1 ms: " + g.get("otherSafepointsOver1Ms") + " (max "
        + g.get("otherSafepointMaxMs") + " ms); collections " + g.get("collections") + " (" + g.get("collectionMs")
        + " ms)";
  }

  private static String startupPhases(Map<String, Object> d) {
    Map<String, Object> p = (Map<String, Object>) d.get("secondsSinceProcessStart");
    Map<String, Object> g = (Map<String, Object>) d.get("generation");
    Object proj = d.get("registrationSample") != null ? "; verified in background by " + p.get("backgroundVerificationDoneS") + " s" : "";
    return "listening " + p.get("httpListeningS") + " s, KEK " + p.get("kekUnlockedS") + ", unsealed "
        + p.get("unsealedS") + (p.get("registeredS") != null ? ", registered " + p.get("registeredS") : "") + "; keygen "
        + (Boolean.TRUE.equals(g.get("cached")) ? "cached" : g.get("seconds") + " s") + proj;
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? String.format(Locale.ROOT, "%,.0f", v)
        : String.format(Locale.ROOT, "%,.3f", v);
  }

  private static String truncate(String s, int n) {
    return s == null ? "" : s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  private Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", cores);
    m.put("garbageCollectors", GcPauses.collectors());
    m.put("jvmArguments", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    m.put("maxHeapMb", Runtime.getRuntime().maxMemory() / 1048576);
    try {
      Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
          .ifPresent(l -> m.put("cpu", l.substring(l.indexOf(':') + 1).trim()));
      m.put("loadAverage", Files.readString(Path.of("/proc/loadavg")).trim());
    } catch (IOException ignored) {
      // not Linux
    }
    return m;
  }

  static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp files
    }
  }

  /** Samples the 1-minute load average every 5 s, to say how busy the shared machine was. */
  static final class LoadSampler implements AutoCloseable {
    private final List<Double> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    LoadSampler() {
      thread = new Thread(() -> {
        try {
          while (true) {
            sample();
            Thread.sleep(5_000);
          }
        } catch (InterruptedException e) {
          // done
        }
      }, "bench-loadavg");
      thread.setDaemon(true);
      thread.start();
    }

    private void sample() {
      try {
        samples.add(Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]));
      } catch (IOException | RuntimeException e) {
        // not Linux
      }
    }

    Map<String, Object> summary() {
      synchronized (samples) {
        var stats = samples.stream().mapToDouble(Double::doubleValue).summaryStatistics();
        return Row.details("samples", stats.getCount(), "min", stats.getCount() == 0 ? null : round(stats.getMin(), 2),
            "mean", stats.getCount() == 0 ? null : round(stats.getAverage(), 2),
            "max", stats.getCount() == 0 ? null : round(stats.getMax(), 2));
      }
    }

    @Override
    public void close() {
      sample();
      thread.interrupt();
    }
  }

  List<Row> rows() {
    return rows;
  }
}
