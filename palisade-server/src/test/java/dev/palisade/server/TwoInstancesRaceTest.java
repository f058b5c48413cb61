package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two full Palisade instances (each its own HTTP server, worker pool and connection pool) share one
 * slashing database; 200 conflicting requests for one key — same slot or same target, different
 * roots — are fired at both at once. Exactly one distinct signature may come out per slot and per
 * target.
 */
class TwoInstancesRaceTest {
  private static final int REQUESTS = 200;

  @TempDir Path temp;

  @Test
  void postgresSharedByTwoInstancesSignsOnePerSlotAndTarget() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      String url = postgres.getJdbcUrl("postgres", "postgres");
      NodeConfig first = TestNodes.postgres(Networks.named("mainnet"), temp.resolve("a"), url, "postgres", "postgres");
      NodeConfig second = TestNodes.postgres(Networks.named("mainnet"), temp.resolve("b"), url, "postgres", "postgres");
      raceAndCheck(first, second);
    }
  }

  @Test
  void sqliteSharedByTwoInstancesSignsOnePerSlotAndTarget() throws Exception {
    Path shared = temp.resolve("shared");
    raceAndCheck(TestNodes.sqlite(Networks.named("mainnet"), shared), TestNodes.sqlite(Networks.named("mainnet"), shared));
  }

  private void raceAndCheck(NodeConfig firstConfig, NodeConfig secondConfig) throws Exception {
    try (PalisadeNode first = PalisadeNode.start(firstConfig);
        PalisadeNode second = PalisadeNode.start(secondConfig)) {
      first.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      second.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      List<HttpTestClient> clients = List.of(new HttpTestClient(first.port()), new HttpTestClient(second.port()));

      ExecutorService pool = Executors.newFixedThreadPool(32);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Outcome>> futures = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        HttpTestClient client = clients.get(i % 2);
        String blockRoot = "0x" + String.format("%064x", i + 1);
        // half attestations for target 20, half blocks for slot 640, each with its own root
        String body = i % 4 < 2
            ? SigningApiTest.attestation(19, 20, blockRoot)
            : block(640, blockRoot);
        String kind = i % 4 < 2 ? "attestation" : "block";
        futures.add(pool.submit(() -> {
          start.await();
          return new Outcome(kind, client.sign(SigningApiTest.PUBKEY, body, "text/plain"));
        }));
      }
      start.countDown();
      Map<String, Set<String>> signatures = new HashMap<>();
      Map<Integer, Integer> statuses = new HashMap<>();
      for (Future<Outcome> future : futures) {
        Outcome outcome = future.get();
        statuses.merge(outcome.response().statusCode(), 1, Integer::sum);
        if (outcome.response().statusCode() == 200) {
          signatures.computeIfAbsent(outcome.kind(), k -> new HashSet<>()).add(outcome.response().body());
        } else {
          assertEquals(412, outcome.response().statusCode(), outcome.response().body());
        }
      }
      pool.shutdown();
      assertEquals(1, signatures.get("attestation").size(), "one distinct attestation signature: " + statuses);
      assertEquals(1, signatures.get("block").size(), "one distinct block signature: " + statuses);
      assertTrue(statuses.getOrDefault(412, 0) >= REQUESTS - 2, "the rest refused: " + statuses);
    }
  }

  private record Outcome(String kind, HttpResponse<String> response) {}

  static String block(long slot, String parentRoot) {
    return """
        {"type":"BLOCK_V2",
         "fork_info":{"fork":{"previous_version":"0x00000000","current_version":"0x00000000","epoch":"0"},
                      "genesis_validators_root":"%s"},
         "beacon_block":{"version":"BELLATRIX","block_header":{"slot":"%d","proposer_index":"7",
           "parent_root":"%s","state_root":"0x%s","body_root":"0x%s"}}}
        """
        .formatted(SigningApiTest.GVR, slot, parentRoot, "00".repeat(32), "00".repeat(32));
  }
}
