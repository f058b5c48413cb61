package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.palisade.eth2.Networks;
import dev.palisade.slashing.ReplicationSafety;
import dev.palisade.slashing.ReplicationSafety.Level;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code synchronous_commit=on}, a commit the standby has not confirmed must never turn into a
 * signature, not even later through the "identical request signed before" path: after the primary
 * restarts with its only synchronous standby down, such records are visible on the primary but
 * exist nowhere else, and promoting the standby would lose them.
 */
class SynchronousStandbyLossTest {
  private static final String PUBKEY = SigningApiTest.PUBKEY;
  private static final String ROOT = "0x" + "44".repeat(32);

  @TempDir Path temp;

  @Test
  void unreplicatedRecordsAreNeverSignedEvenAsIdenticalRepeats() throws Exception {
    Path bin = DebianPostgres.binaries().orElse(null);
    Assumptions.assumeTrue(bin != null,
        "Debian's postgresql package is not installed (/usr/lib/postgresql/*/bin): ./run-tests installs it");
    try (DebianPostgres postgres = DebianPostgres.create(bin)) {
      DebianPostgres.Server primary = postgres.initPrimary("primary",
          "synchronous_standby_names = '*'", "synchronous_commit = on");
      primary.start();
      DebianPostgres.Server standby = postgres.standbyOf(primary, "standby");
      standby.start();
      awaitLevel(primary, Level.SYNCHRONOUS);
      String url = "jdbc:postgresql://" + primary.jdbcHost() + "/postgres";
      try (PalisadeNode node = PalisadeNode.start(TestNodes.postgres(Networks.named("mainnet"), temp.resolve("n"), url, "postgres", null))) {
        node.addKeys(java.util.List.of(dev.palisade.crypto.BlsSecretKey.fromBytes(dev.palisade.eth2.Hex.decode(SigningApiTest.SECRET))));
        HttpTestClient client = new HttpTestClient(node.port());
        assertEquals(200, sign(client, 1, 2).statusCode());

        standby.stopFast();
        // the commit waits for a standby that is gone: fail closed
        long t0 = System.nanoTime();
        HttpResponse<String> waiting = sign(client, 2, 3);
        assertEquals(503, waiting.statusCode(), waiting.body() + " after ms " + (System.nanoTime() - t0) / 1_000_000 + "\n" + primary.log());

        // restarted in place, the primary replays that commit: visible here, on no standby
        primary.stopImmediately();
        primary.start();
        // a refusal needs no commit: once it comes back, the node reads the primary again
        HttpResponse<String> refused = awaitNot(client, 0, 1, 503);
        assertEquals(412, refused.statusCode(), refused.body());
        HttpResponse<String> repeat = sign(client, 2, 3);
        assertEquals(503, repeat.statusCode(), "an unreplicated record was re-signed: " + repeat.body());
        assertFalse(repeat.body().contains("signature"), repeat.body());

        standby.start();
        awaitLevel(primary, Level.SYNCHRONOUS);
        HttpResponse<String> replicated = awaitNot(client, 2, 3, 503);
        assertEquals(200, replicated.statusCode(), replicated.body());
      }
    }
  }

  private static HttpResponse<String> sign(HttpTestClient client, long source, long target) {
    return client.sign(PUBKEY, SigningApiTest.attestation(source, target, ROOT), "application/json");
  }

  /** Repeats the request until its status is not {@code status}, for up to 30 s. */
  private static HttpResponse<String> awaitNot(HttpTestClient client, long source, long target, int status) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    HttpResponse<String> response = sign(client, source, target);
    while (response.statusCode() == status && System.nanoTime() < deadline) {
      Thread.sleep(200);
      response = sign(client, source, target);
    }
    return response;
  }

  private static void awaitLevel(DebianPostgres.Server primary, Level level) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    ReplicationSafety.Status status;
    do {
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + primary.jdbcHost() + "/postgres", "postgres", "")) {
        status = ReplicationSafety.assess(c);
      }
      if (status.level() == level) {
        return;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("replication never reached " + level + ": " + status.detail());
  }
}
