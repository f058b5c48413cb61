package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Networks;
import dev.palisade.slashing.ReplicationSafety;
import dev.palisade.slashing.ReplicationSafety.Level;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real failover under signing load, with Debian's PostgreSQL: a primary and a synchronous
 * standby on loopback, two Palisade nodes on a multi-host URL ({@code targetServerType=primary}),
 * conflicting requests for eight keys from several threads; the primary is killed (immediate stop,
 * like a crash) and the standby promoted while requests continue. Everything that was answered 200
 * holds no slashable pair, and signing resumes on the promoted server.
 */
class PostgresFailoverTest {
  private static final int KEYS = 8;
  private static final int THREADS = 6;

  @TempDir Path temp;

  @Test
  void killingThePrimaryAndPromotingTheSynchronousStandbySignsNothingSlashable() throws Exception {
    Path bin = DebianPostgres.binaries().orElse(null);
    Assumptions.assumeTrue(bin != null,
        "Debian's postgresql package is not installed (/usr/lib/postgresql/*/bin): ./run-tests installs it");
    try (DebianPostgres postgres = DebianPostgres.create(bin)) {
      DebianPostgres.Server primary = postgres.initPrimary("primary",
          "synchronous_standby_names = '*'", "synchronous_commit = on");
      primary.start();
      // A failover manager clears the list on a promoted lone server; otherwise its commits would
      // wait for a standby that does not exist (see docs/reliability.md).
      DebianPostgres.Server standby = postgres.standbyOf(primary, "standby", "synchronous_standby_names = ''");
      standby.start();
      ReplicationSafety.Status before = awaitSynchronous(primary);
      assertEquals(Level.SYNCHRONOUS, before.level(), before.detail());

      String url = "jdbc:postgresql://" + primary.jdbcHost() + "," + standby.jdbcHost()
          + "/postgres?targetServerType=primary";
      List<String> keys = new ArrayList<>();
      try (PalisadeNode first = startNode(url, "a", keys); PalisadeNode second = startNode(url, "b", keys)) {
        assertEquals(Level.SYNCHRONOUS, first.slashingProtection().replication().orElseThrow().level());
        JsonNode health = MainnetSigningVectorsHttpTest.readJson(new HttpTestClient(first.port()).get("/healthcheck").body());
        assertEquals("SYNCHRONOUS", replicationEntry(health).get("data").get("level").asText(), health.toString());

        SlashableCheck check = new SlashableCheck();
        ConflictingLoad load = new ConflictingLoad(keys, check);
        List<HttpTestClient> clients = List.of(new HttpTestClient(first.port()), new HttpTestClient(second.port()));
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        for (int t = 0; t < THREADS; t++) {
          HttpTestClient client = clients.get(t % 2);
          pool.submit(() -> {
            while (running.get()) {
              load.sendOne(client);
            }
          });
        }
        try {
          Thread.sleep(6_000);
          long signedBeforeKill = load.status(200);
          long killedAt = System.nanoTime();
          primary.stopImmediately();
          // longer than the 3 s request timeout: requests meanwhile fail closed (503)
          Thread.sleep(4_000);
          load.watchForNextSignature();
          long promoteAt = System.nanoTime();
          standby.promote();
          long promotedAt = System.nanoTime();
          long deadline = promotedAt + TimeUnit.SECONDS.toNanos(90);
          while (load.firstOkAt() == Long.MAX_VALUE && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          long firstOk = load.firstOkAt();
          assertNotEquals(Long.MAX_VALUE, firstOk, "no signature within 90 s of promotion: " + load.summary());
          long signedAtFirstOk = load.status(200);
          Thread.sleep(5_000);
          running.set(false);
          pool.shutdown();
          assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));

          List<String> pairs = check.slashablePairs();
          System.out.printf(
              "PostgresFailoverTest: promote took %d ms; first signature %d ms after the promote command"
                  + " (%d ms after it returned, %d ms after the primary was killed); signed before kill=%d,"
                  + " after promotion=%d; %s; distinct signed messages=%d; slashable pairs=%d%n",
              ms(promotedAt - promoteAt), ms(firstOk - promoteAt), ms(Math.max(0, firstOk - promotedAt)),
              ms(firstOk - killedAt), signedBeforeKill, load.status(200) - signedAtFirstOk + 1,
              load.summary(), check.distinctSigned(), pairs.size());
          assertEquals(List.of(), pairs);
          assertTrue(signedBeforeKill > 0 && load.status(200) > signedAtFirstOk, load.summary());
          assertTrue(load.status(412) > 0, "the load must contain refused conflicts: " + load.summary());
          assertEquals(Level.STANDALONE, first.slashingProtection().replication().orElseThrow().level());
        } finally {
          running.set(false);
          pool.shutdownNow();
        }
      }
    }
  }

  @Test
  void anAsynchronousStandbyIsReportedInHealthWithoutTakingTheNodeDown() throws Exception {
    Path bin = DebianPostgres.binaries().orElse(null);
    Assumptions.assumeTrue(bin != null,
        "Debian's postgresql package is not installed (/usr/lib/postgresql/*/bin): ./run-tests installs it");
    try (DebianPostgres postgres = DebianPostgres.create(bin)) {
      DebianPostgres.Server primary = postgres.initPrimary("primary"); // the common setup: async streaming
      primary.start();
      DebianPostgres.Server standby = postgres.standbyOf(primary, "standby");
      standby.start();
      ReplicationSafety.Status status = awaitStreaming(primary);
      assertEquals(Level.ASYNC_REPLICAS, status.level(), status.detail());
      // a role without pg_read_all_stats sees the standby's row but not its state
      String direct = "jdbc:postgresql://" + primary.jdbcHost() + "/postgres";
      try (Connection admin = DriverManager.getConnection(direct, "postgres", "")) {
        admin.createStatement().execute("CREATE ROLE palisade LOGIN");
        try (Connection plain = DriverManager.getConnection(direct, "palisade", "")) {
          assertEquals(Level.UNKNOWN, ReplicationSafety.assess(plain).level());
        }
        admin.createStatement().execute("GRANT pg_read_all_stats TO palisade");
        try (Connection granted = DriverManager.getConnection(direct, "palisade", "")) {
          assertEquals(Level.ASYNC_REPLICAS, ReplicationSafety.assess(granted).level());
        }
      }
      String url = "jdbc:postgresql://" + primary.jdbcHost() + "," + standby.jdbcHost() + "/postgres?targetServerType=primary";
      List<String> keys = new ArrayList<>();
      try (PalisadeNode node = startNode(url, "a", keys)) {
        var response = new HttpTestClient(node.port()).get("/healthcheck");
        JsonNode entry = replicationEntry(MainnetSigningVectorsHttpTest.readJson(response.body()));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("UP", entry.get("status").asText());
        assertEquals("ASYNC_REPLICAS", entry.get("data").get("level").asText(), response.body());
        assertEquals(1, entry.get("data").get("standbys").asInt(), response.body());
      }
    }
  }

  private static ReplicationSafety.Status awaitStreaming(DebianPostgres.Server primary) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    ReplicationSafety.Status status;
    do {
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + primary.jdbcHost() + "/postgres", "postgres", "")) {
        status = ReplicationSafety.assess(c);
      }
      if (status.standbys().stream().anyMatch(s -> "streaming".equals(s.state()))) {
        return status;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    return status;
  }

  private PalisadeNode startNode(String url, String name, List<String> keys) {
    PalisadeNode node = PalisadeNode.start(TestNodes.postgres(Networks.named("mainnet"), temp.resolve(name), url, "postgres", null));
    List<BlsSecretKey> secrets = testKeys();
    keys.clear();
    secrets.forEach(k -> keys.add(k.publicKey().toHex()));
    node.addKeys(secrets);
    return node;
  }

  /** Secrets 1..8: valid scalars, fine for tests, never for anything else. */
  static List<BlsSecretKey> testKeys() {
    List<BlsSecretKey> keys = new ArrayList<>();
    for (int i = 1; i <= KEYS; i++) {
      byte[] secret = new byte[32];
      secret[31] = (byte) i;
      keys.add(BlsSecretKey.fromBytes(secret));
    }
    return keys;
  }

  private static ReplicationSafety.Status awaitSynchronous(DebianPostgres.Server primary) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    ReplicationSafety.Status status;
    do {
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + primary.jdbcHost() + "/postgres", "postgres", "")) {
        status = ReplicationSafety.assess(c);
      }
      if (status.level() == Level.SYNCHRONOUS) {
        return status;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    return status;
  }

  private static JsonNode replicationEntry(JsonNode health) {
    for (JsonNode check : health.get("checks")) {
      if (check.get("id").asText().equals(ReplicationMonitor.CHECK_ID)) {
        return check;
      }
    }
    throw new AssertionError("no replication entry: " + health);
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
