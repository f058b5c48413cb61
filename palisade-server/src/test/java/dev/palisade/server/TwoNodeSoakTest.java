package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak: two Palisade nodes, each its own JVM, on one PostgreSQL (Debian's, fsync and
 * synchronous_commit on); random conflicting requests for the same eight keys from several threads
 * against both; along the way nodes are SIGKILLed and restarted and PostgreSQL is restarted
 * (alternately an immediate, crash-like stop and a fast one). At the end, an independent check over
 * every request answered 200 finds no slashable pair.
 *
 * <p>{@code -Dpalisade.soak.requests=N} (default 100,000) and {@code -Dpalisade.soak.threads=T}
 * (default 8); docs/reliability.md has the command and the recorded runs.
 */
class TwoNodeSoakTest {
  private static final long REQUESTS = Long.getLong("palisade.soak.requests", 100_000);
  private static final int THREADS = Integer.getInteger("palisade.soak.threads", 8);
  /** Chaos events (node kills and database restarts), spread evenly over the requests. */
  private static final int EVENTS = Integer.getInteger("palisade.soak.events", 11);

  @TempDir Path temp;

  @Test
  void killsAndDatabaseRestartsUnderConflictingLoadSignNothingSlashable() throws Exception {
    Path bin = DebianPostgres.binaries().orElse(null);
    Assumptions.assumeTrue(bin != null,
        "Debian's postgresql package is not installed (/usr/lib/postgresql/*/bin): ./run-tests installs it");
    long started = System.nanoTime();
    try (DebianPostgres postgres = DebianPostgres.create(bin)) {
      DebianPostgres.Server database = postgres.initPrimary("soak", "synchronous_commit = on");
      database.start();
      String url = "jdbc:postgresql://" + database.jdbcHost() + "/postgres";
      SoakNodeProcess[] nodes = new SoakNodeProcess[2];
      AtomicReferenceArray<HttpTestClient> clients = new AtomicReferenceArray<>(2);
      SlashableCheck check = new SlashableCheck();
      ConflictingLoad load = new ConflictingLoad(keys(), check);
      AtomicBoolean running = new AtomicBoolean(true);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      int kills = 0;
      int restarts = 0;
      try {
        for (int slot = 0; slot < 2; slot++) {
          nodes[slot] = startNode(url, slot, clients);
        }
        for (int t = 0; t < THREADS; t++) {
          pool.submit(() -> drive(load, clients, running));
        }
        long signedAtLastEvent = 0;
        for (int event = 1; event <= EVENTS; event++) {
          long at = REQUESTS * event / (EVENTS + 1);
          while (load.requests() < at) {
            Thread.sleep(20);
          }
          if (event % 3 == 0) {
            // an immediate stop skips the shutdown checkpoint: the start runs crash recovery
            if (event % 2 == 1) {
              database.stopImmediately();
            } else {
              database.stopFast();
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(200, 1500));
            database.start();
            restarts++;
          } else {
            int slot = event % 2;
            clients.set(slot, null);
            nodes[slot].kill();
            kills++;
            nodes[slot] = startNode(url, slot, clients);
          }
          signedAtLastEvent = load.status(200);
          System.out.printf("TwoNodeSoakTest: event %d/%d, %d s: %s%n", event, EVENTS,
              TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), load.summary());
        }
        while (load.requests() < REQUESTS) {
          Thread.sleep(20);
        }
        running.set(false);
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));

        List<String> pairs = check.slashablePairs();
        System.out.printf(
            "TwoNodeSoakTest: %s; node SIGKILLs=%d, PostgreSQL restarts=%d, duration=%d s,"
                + " distinct signed messages=%d, slashable pairs=%d%n",
            load.summary(), kills, restarts, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
            check.distinctSigned(), pairs.size());
        assertEquals(List.of(), pairs.stream().limit(20).toList());
        assertTrue(load.requests() >= REQUESTS);
        assertTrue(load.status(412) > 0, load.summary());
        assertTrue(load.status(200) > signedAtLastEvent, "signing resumed after the last event: " + load.summary());
        long expected = load.status(200) + load.status(412) + load.status(503) + load.failures();
        assertEquals(load.requests(), expected, "only 200, 412, 503 or no response (a killed node): " + load.summary());
      } finally {
        running.set(false);
        pool.shutdownNow();
        for (SoakNodeProcess node : nodes) {
          if (node != null) {
            node.close();
          }
        }
      }
    }
  }

  /** Requests go to a random live node; none while both are down. */
  private static void drive(ConflictingLoad load, AtomicReferenceArray<HttpTestClient> clients, AtomicBoolean running) {
    while (running.get()) {
      int slot = ThreadLocalRandom.current().nextInt(2);
      HttpTestClient client = clients.get(slot) != null ? clients.get(slot) : clients.get(1 - slot);
      if (client == null) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
        continue;
      }
      load.sendOne(client);
    }
  }

  /**
   * Like a supervisor: a node that exits before it is ready (on a loaded 2-core host the first
   * connection can exceed its connect timeout) is started again, up to three times.
   */
  private SoakNodeProcess startNode(String url, int slot, AtomicReferenceArray<HttpTestClient> clients) throws Exception {
    for (int attempt = 1; ; attempt++) {
      SoakNodeProcess node = SoakNodeProcess.start(url, temp.resolve("node-" + slot));
      try {
        clients.set(slot, new HttpTestClient(node.awaitPort()));
        return node;
      } catch (Exception e) {
        node.kill();
        if (attempt == 3) {
          throw new AssertionError("node " + slot + " did not start:\n" + node.tail(), e);
        }
        System.out.println("TwoNodeSoakTest: node " + slot + " did not start, again: " + e.getMessage().lines().findFirst().orElse(""));
      }
    }
  }

  private static List<String> keys() {
    List<String> keys = new ArrayList<>();
    PostgresFailoverTest.testKeys().forEach(k -> keys.add(k.publicKey().toHex()));
    return keys;
  }
}
