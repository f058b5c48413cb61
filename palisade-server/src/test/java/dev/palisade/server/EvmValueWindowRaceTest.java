package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.crypto.SecretBytes;
import dev.palisade.crypto.Secp256k1SecretKey;
import dev.palisade.eth2.Hex;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances share one PostgreSQL database; threads send transactions of one account to both at
 * once, through typed REST and JSON-RPC. A value-per-rolling-window limit holds across them: the signed
 * values never sum above it, and exactly as many sign as fit (a refused one did not fit even at the end).
 */
class EvmValueWindowRaceTest {
  private static final int THREADS = 16;
  private static final int REQUESTS = 120;
  private static final JsonNode KEY = EvmVectors.load("eip191.json").get(0);
  /** Above 2^62: the window counts in units of 1e4 wei here, so the test crosses the scaling too. */
  private static final BigInteger VALUE = BigInteger.TEN.pow(21);

  @TempDir Path temp;

  /** What one run measured: how many signed and the sum of their values. */
  record Outcome(int signed, BigInteger total, Map<String, Integer> refusals, List<BigInteger> refused) {}

  @Test
  void twoInstancesTogetherNeverOverspend() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        TenantNode first = TenantNode.start(temp.resolve("a"), postgres.getJdbcUrl("postgres", "postgres"));
        TenantNode second = TenantNode.start(temp.resolve("b"), postgres.getJdbcUrl("postgres", "postgres"))) {
      String admin = first.identity("admin-a", "default", "admin,keys:write");
      ObjectNode body = EvmVectors.JSON.createObjectNode();
      body.put("keystore", EvmVectors.keystore(KEY.get("secretKey").asText(), "pw"));
      body.put("password", "pw");
      assertEquals(201, first.call("POST", "/admin/v1/evm/keys", admin, body.toString()).statusCode());
      // the second instance holds the same key (its owner, the operator, is in the shared database)
      second.node.vault().evm().add(Secp256k1SecretKey.fromBytes(
          SecretBytes.takeOwnership(Hex.decode(KEY.get("secretKey").asText()))));
      String wallet = first.identity("wallet", "default", "sign:evm:tx");

      // equal values: 25 of 120 fit, exactly (a rolling window: all of the run's spends are in it)
      BigInteger limit = VALUE.multiply(BigInteger.valueOf(25));
      first.setPolicy("default", "key", KEY.get("address").asText(),
          "rules: {evm_value_windows: [{max: '" + limit + "', window: P31D}]}");
      Thread.sleep(300); // the second instance re-reads the policy revision at most every 250 ms
      List<BigInteger> equal = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        equal.add(VALUE);
      }
      Outcome run = race(first, second, wallet, equal, 0);
      System.out.println("equal values: " + REQUESTS + " requests, " + run.signed() + " signed, total " + run.total()
          + " wei of limit " + limit + "; refused by " + run.refusals());
      assertEquals(25, run.signed(), run.toString());
      assertEquals(limit, run.total());
      assertEquals(Map.of("evm_value_window", REQUESTS - 25), run.refusals());

      // random values (seeded, multiples of the 1e3 counting unit so "fits" is exact): greedy in arrival order
      BigInteger randomLimit = BigInteger.TEN.pow(21);
      first.setPolicy("default", "key", KEY.get("address").asText(),
          "rules: {evm_value_windows: [{max: '" + randomLimit + "', window: P30D}]}");
      Thread.sleep(300);
      Random random = new Random(2026);
      List<BigInteger> values = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        values.add(BigInteger.valueOf(1 + (random.nextLong() >>> 1) % 60_000_000_000_000L).multiply(BigInteger.TEN.pow(6)));
      }
      Outcome mixed = race(first, second, wallet, values, 1000);
      System.out.println("random values: " + REQUESTS + " requests, " + mixed.signed() + " signed, total " + mixed.total()
          + " wei of limit " + randomLimit + "; refused by " + mixed.refusals());
      assertTrue(mixed.total().compareTo(randomLimit) <= 0, "never above the limit: " + mixed);
      assertTrue(mixed.signed() > 0 && mixed.signed() < REQUESTS, mixed.toString());
      for (BigInteger value : mixed.refused()) {
        assertTrue(mixed.total().add(value).compareTo(randomLimit) > 0, "a refused " + value + " would have fit: " + mixed);
      }
    }
  }

  /** Fires every value at once, alternating instances and surfaces; nonces from {@code nonceBase} keep them distinct. */
  private static Outcome race(TenantNode first, TenantNode second, String wallet, List<BigInteger> values, int nonceBase)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> answers = new ArrayList<>();
    String address = KEY.get("address").asText();
    for (int i = 0; i < values.size(); i++) {
      TenantNode node = i % 2 == 0 ? first : second;
      boolean rest = i % 4 < 2;
      ObjectNode tx = EvmVectors.JSON.createObjectNode();
      tx.put("from", address).put("to", "0x" + "35".repeat(20)).put("chainId", "0x1").put("nonce", "0x" + Integer.toHexString(nonceBase + i))
          .put("gas", "0x5208").put("maxFeePerGas", "0x2").put("maxPriorityFeePerGas", "0x1")
          .put("value", "0x" + values.get(i).toString(16));
      answers.add(pool.submit(() -> {
        start.await();
        if (rest) {
          HttpResponse<String> response = node.call("POST", "/api/v1/evm/" + address + "/sign/transaction", wallet, tx.toString());
          return response.statusCode() == 200 ? "signed" : response.statusCode() + " " + TenantNode.read(response.body()).path("rule").asText();
        }
        String request = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_signTransaction\",\"params\":[" + tx + "]}";
        JsonNode answer = TenantNode.read(node.call("POST", "/", wallet, request).body());
        return answer.has("result") ? "signed" : answer.path("error").path("data").path("rule").asText("error " + answer);
      }));
    }
    start.countDown();
    int signed = 0;
    BigInteger total = BigInteger.ZERO;
    Map<String, Integer> refusals = new TreeMap<>();
    List<BigInteger> refused = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      String outcome = answers.get(i).get();
      if (outcome.equals("signed")) {
        signed++;
        total = total.add(values.get(i));
      } else {
        refusals.merge(outcome.replace("412 ", ""), 1, Integer::sum);
        refused.add(values.get(i));
      }
    }
    pool.shutdown();
    return new Outcome(signed, total, refusals, refused);
  }
}
