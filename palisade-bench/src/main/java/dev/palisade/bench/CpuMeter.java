package dev.palisade.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where the CPU went during a phase: the load generator's own threads, the rest of this JVM (the
 * node), the database server's processes (embedded PostgreSQL only), and the whole machine (which
 * shows the other tenants of a shared VM). Every share is CPU time ÷ (wall time × cores).
 */
final class CpuMeter {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final long CLK_TCK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

  static {
    if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
      THREADS.setThreadCpuTimeEnabled(true);
    }
    if (THREADS.isThreadAllocatedMemorySupported() && !THREADS.isThreadAllocatedMemoryEnabled()) {
      THREADS.setThreadAllocatedMemoryEnabled(true);
    }
  }

  private final OptionalLong dbPid;

  CpuMeter(OptionalLong dbPid) {
    this.dbPid = dbPid;
  }

  /** Node threads by role; whatever no live thread accounts for (GC, JIT, exited threads) is "jvm". */
  static final String[][] NODE_GROUPS = {
    {"eventloop", "vert.x-eventloop-"},
    {"signing", "palisade-signing"},
    {"store", "slashing-writer"},
  };

  record Snapshot(
      long wallNanos, long generatorNanos, long processNanos, long dbNanos, long machineBusy, long machineTotal,
      long[] groupNanos, java.util.Map<String, Long> otherThreads, long nodeAllocatedBytes) {}

  /**
   * Shares of (wall × cores), each 0..1. {@code db} is -1 when not measurable. {@code groups}: the
   * node's share split by thread role ({@link #NODE_GROUPS}) and "jvm" (GC, JIT, the rest).
   */
  record Shares(
      double generator, double node, double db, double machine, int cores, java.util.Map<String, Double> groups,
      long nodeAllocatedBytes) {
    /** Heap allocated by the node's threads per operation, in KiB (the bench's own threads left out). */
    double allocatedKibPer(long operations) {
      return nodeAllocatedBytes / 1024.0 / Math.max(1, operations);
    }

    String describe() {
      return String.format(
          java.util.Locale.ROOT,
          "generator %.0f%%, node %.0f%%, %smachine %.0f%% of %d cores",
          generator * 100,
          node * 100,
          db < 0 ? "" : String.format(java.util.Locale.ROOT, "postgres %.0f%%, ", db * 100),
          machine * 100,
          cores);
    }
  }

  /** The bench's own threads (load generator, raw floor, JFR stream, main), left out of the node's allocation. */
  private static boolean isBenchThread(String name) {
    return isGeneratorThread(name) || name.startsWith("bench-") || name.startsWith("JFR ") || name.equals("main");
  }

  static boolean isGeneratorThread(String name) {
    return name.startsWith("bench-conn-")
        || name.startsWith("bench-jdk-")
        || name.startsWith("bench-sched")
        || name.startsWith("HttpClient-");
  }

  Snapshot snapshot() {
    long generator = 0;
    long allocated = 0;
    long[] groups = new long[NODE_GROUPS.length];
    java.util.Map<String, Long> others = new java.util.HashMap<>();
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null) continue;
      String name = infos[i].getThreadName();
      if (!isBenchThread(name)) allocated += Math.max(0, THREADS.getThreadAllocatedBytes(ids[i]));
      long t = THREADS.getThreadCpuTime(ids[i]);
      if (t <= 0) continue;
      if (isGeneratorThread(name)) {
        generator += t;
        continue;
      }
      boolean grouped = false;
      for (int g = 0; g < NODE_GROUPS.length; g++) {
        if (name.startsWith(NODE_GROUPS[g][1])) {
          groups[g] += t;
          grouped = true;
        }
      }
      if (!grouped) others.merge(name.replaceAll("[0-9]+", "N"), t, Long::sum);
    }
    long process =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    long[] machine = machineJiffies();
    return new Snapshot(
        System.nanoTime(), generator, process, dbNanos(), machine[0], machine[1], groups, others, allocated);
  }

  Shares between(Snapshot a, Snapshot b) {
    int cores = Runtime.getRuntime().availableProcessors();
    double capacity = (double) (b.wallNanos() - a.wallNanos()) * cores;
    double gen = (b.generatorNanos() - a.generatorNanos()) / capacity;
    double node = (b.processNanos() - a.processNanos() - (b.generatorNanos() - a.generatorNanos())) / capacity;
    double db = dbPid.isPresent() ? (b.dbNanos() - a.dbNanos()) / capacity : -1;
    long total = b.machineTotal() - a.machineTotal();
    double machine = total <= 0 ? -1 : (double) (b.machineBusy() - a.machineBusy()) / total;
    java.util.Map<String, Double> groups = new java.util.LinkedHashMap<>();
    double named = 0;
    for (int g = 0; g < NODE_GROUPS.length; g++) {
      double share = (b.groupNanos()[g] - a.groupNanos()[g]) / capacity;
      groups.put(NODE_GROUPS[g][0], Math.round(share * 1000) / 1000.0);
      named += share;
    }
    // the busiest other Java threads, by name (digits folded), then the JVM's own (GC, JIT) as "jvm"
    java.util.Map<String, Double> others = new java.util.HashMap<>();
    b.otherThreads().forEach((name, t) -> {
      double share = (t - a.otherThreads().getOrDefault(name, 0L)) / capacity;
      if (share >= 0.005 && !name.startsWith("bench-raw")) others.put(name, share);
    });
    double otherSum = 0;
    for (var e : others.entrySet().stream().sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed()).toList()) {
      groups.put(e.getKey(), Math.round(e.getValue() * 1000) / 1000.0);
      otherSum += e.getValue();
    }
    groups.put("jvm", Math.round((node - named - otherSum) * 1000) / 1000.0);
    return new Shares(gen, node, db, machine, cores, groups, b.nodeAllocatedBytes() - a.nodeAllocatedBytes());
  }

  /** {busy, total} jiffies over all CPUs from /proc/stat; zeros when unavailable. */
  private static long[] machineJiffies() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) total += Long.parseLong(f[i]);
      long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  /** utime+stime of the postmaster and its direct children (the backends). */
  private long dbNanos() {
    if (dbPid.isEmpty()) return 0;
    long pid = dbPid.getAsLong();
    long jiffies = 0;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        try {
          String stat = Files.readString(p.resolve("stat"));
          // fields after the ")" of the comm: state ppid ... utime(14) stime(15)
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ppid = Long.parseLong(f[1]);
          long self = Long.parseLong(p.getFileName().toString());
          if (self == pid || ppid == pid) {
            jiffies += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          }
        } catch (IOException | RuntimeException ignored) {
          // the process went away
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return jiffies * CLK_TCK_NANOS;
  }

  static List<String> generatorThreadPrefixes() {
    return List.of("bench-conn-*", "bench-jdk-*", "bench-sched", "HttpClient-*");
  }
}
