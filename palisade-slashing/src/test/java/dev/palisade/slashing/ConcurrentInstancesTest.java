package dev.palisade.slashing;

import static dev.palisade.slashing.TestData.GVR;
import static dev.palisade.slashing.TestData.root;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.eth2.BlsPublicKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two independent store instances (own pools / own writer threads) on one database, 200
 * conflicting requests for one key fired in parallel at both: exactly one is allowed per slot and
 * per target.
 */
class ConcurrentInstancesTest {
  static final int REQUESTS = 200;

  @Test
  void twoPostgresInstancesAllowExactlyOne() throws Exception {
    String url = SharedPostgres.newDatabase();
    try (SlashingProtection first = SlashingProtections.postgres(url, "postgres", "postgres", SlashingOptions.defaults());
        SlashingProtection second = SlashingProtections.postgres(url, "postgres", "postgres", SlashingOptions.defaults())) {
      race(first, second);
    }
  }

  @Test
  void twoSqliteInstancesOnOneFileAllowExactlyOne() throws Exception {
    Path dir = StoreFactory.tempDir();
    try (SlashingProtection first = SlashingProtections.sqlite(dir);
        SlashingProtection second = SlashingProtections.sqlite(dir)) {
      race(first, second);
    }
  }

  private static void race(SlashingProtection first, SlashingProtection second) throws Exception {
    BlsPublicKey key = TestData.key(77);
    long slot = 1_000;
    long target = 500;
    ExecutorService poolA = Executors.newFixedThreadPool(16);
    ExecutorService poolB = Executors.newFixedThreadPool(16);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> blocks = new ArrayList<>();
      List<Future<Boolean>> atts = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        SlashingProtection store = i % 2 == 0 ? first : second;
        ExecutorService pool = i % 2 == 0 ? poolA : poolB;
        int n = i;
        blocks.add(pool.submit(gated(start, () -> store.checkAndRecordBlock(key, GVR, slot, root(n)).isAllowed())));
        atts.add(pool.submit(gated(start, () ->
            store.checkAndRecordAttestation(key, GVR, target - 1 - (n % 3), target, root(n)).isAllowed())));
      }
      start.countDown();
      assertEquals(1, count(blocks), "exactly one block at the slot");
      assertEquals(1, count(atts), "exactly one attestation for the target");
    } finally {
      poolA.shutdownNow();
      poolB.shutdownNow();
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    second.exportInterchange(out, List.of(key));
    JsonNode exported = new ObjectMapper().readTree(out.toByteArray());
    assertEquals(1, exported.at("/data/0/signed_blocks").size(), "one history row");
    assertEquals(1, exported.at("/data/0/signed_attestations").size(), "one history row");
  }

  private static <T> Callable<T> gated(CountDownLatch start, Callable<T> work) {
    return () -> {
      start.await();
      return work.call();
    };
  }

  private static long count(List<Future<Boolean>> results) throws Exception {
    long allowed = 0;
    for (Future<Boolean> f : results) {
      if (f.get()) allowed++;
    }
    return allowed;
  }
}
