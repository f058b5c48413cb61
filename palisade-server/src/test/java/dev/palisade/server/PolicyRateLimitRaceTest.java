package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances share one PostgreSQL database; threads fire RANDAO_REVEALs for one key at both at
 * once. The policy allows one per epoch and five per hour: together the instances sign no more.
 */
class PolicyRateLimitRaceTest {
  private static final int THREADS = 16;
  private static final int REQUESTS = 120;

  @TempDir Path temp;

  @Test
  void twoInstancesTogetherStayWithinTheRateLimits() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        TenantNode first = TenantNode.start(temp.resolve("a"), postgres.getJdbcUrl("postgres", "postgres"));
        TenantNode second = TenantNode.start(temp.resolve("b"), postgres.getJdbcUrl("postgres", "postgres"))) {
      for (TenantNode node : List.of(first, second)) {
        node.node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      }
      String admin = first.identity("admin-a", "default", "admin");
      String signer = first.identity("vc", "default", "validate");
      String policy = """
          rules:
            rate_limits:
              - {type: RANDAO_REVEAL, max: 1, per: epoch}
              - {type: RANDAO_REVEAL, max: 5, window: PT1H}
          """;
      assertEquals(200, first.call("PUT", "/admin/v1/policies/key/" + SigningApiTest.PUBKEY, admin, policy).statusCode());
      Thread.sleep(300); // the second instance re-reads the policy revision at most every 250 ms

      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        TenantNode node = i % 2 == 0 ? first : second;
        long epoch = 100 + i % 8; // 8 epochs, 15 requests each, split between the instances
        answers.add(pool.submit(() -> {
          start.await();
          return node.sign(signer, SigningApiTest.PUBKEY, randao(epoch));
        }));
      }
      start.countDown();
      Map<Integer, Integer> statuses = new TreeMap<>();
      Map<String, Integer> rules = new TreeMap<>();
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get();
        statuses.merge(response.statusCode(), 1, Integer::sum);
        if (response.statusCode() != 200) {
          rules.merge(TenantNode.read(response.body()).path("rule").asText(), 1, Integer::sum);
        }
      }
      pool.shutdown();
      // 8 epochs would allow 8; the hourly window allows 5, and all 5 are used
      assertEquals(5, statuses.getOrDefault(200, 0), "signed: " + statuses + " refused by " + rules);
      assertEquals(Map.of(200, 5, 412, REQUESTS - 5), statuses);
      assertEquals(Map.of("rate_limit", REQUESTS - 5), rules);
    }
  }

  static String randao(long epoch) {
    return """
        {"type":"RANDAO_REVEAL","fork_info":{"fork":{"previous_version":"0x00000000","current_version":"0x00000000","epoch":"0"},
         "genesis_validators_root":"%s"},"randao_reveal":{"epoch":"%d"}}
        """.formatted(SigningApiTest.GVR, epoch);
  }
}
