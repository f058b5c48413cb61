package dev.palisade.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Hex;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A cached hash to the curve gives blst's own signature: against the spec vectors and against plain sign. */
class HashToCurveCacheTest {

  static List<Path> signCases() {
    return TestVectors.blsCases("sign");
  }

  /** ethereum/bls12-381-tests: the first signature of a message hashes it, the second reuses it; both match. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("signCases")
  void specVectorsMatchOnMissAndOnHit(Path file) {
    JsonNode testCase = TestVectors.readJson(file);
    JsonNode output = testCase.get("output");
    if (output.isNull()) {
      return; // an invalid key: covered by BlsSpecVectorsTest, nothing is signed
    }
    byte[] message = Hex.decode(testCase.at("/input/message").textValue());
    assertEquals(32, message.length, "every spec sign case signs a 32-byte message");
    HashToCurveCache cache = new HashToCurveCache();
    try (BlsSecretKey key = BlsSecretKey.fromBytes(Hex.decode(testCase.at("/input/privkey").textValue()))) {
      BlsSignature expected = BlsSignature.fromHex(output.textValue());
      assertEquals(expected, key.sign(Bytes32.wrap(message), cache));
      assertEquals(1, cache.misses());
      assertEquals(expected, key.sign(Bytes32.wrap(message), cache));
      assertEquals(1, cache.hits());
    }
  }

  /** Many keys on few messages: a cached point is never multiplied in place, whichever key used it first. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void manyKeysShareMessagesWithoutCorruptingThem(long seed) {
    Random random = new Random(seed);
    HashToCurveCache cache = new HashToCurveCache(3, Duration.ofHours(1)); // small: generations roll over during the test
    List<BlsSecretKey> keys = keys(random, 4);
    Bytes32[] messages = new Bytes32[5];
    for (int i = 0; i < messages.length; i++) {
      messages[i] = randomRoot(random);
    }
    for (int round = 0; round < 60; round++) {
      BlsSecretKey key = keys.get(random.nextInt(keys.size()));
      Bytes32 message = messages[random.nextInt(messages.length)];
      assertEquals(key.sign(message), key.sign(message, cache), "round " + round);
    }
    assertEquals(60, cache.hits() + cache.misses());
    assertTrue(cache.hits() > 0 && cache.misses() >= messages.length);
    keys.forEach(BlsSecretKey::close);
  }

  @Test
  void concurrentSignersGetBlstsSignatures() throws Exception {
    Random random = new Random(42);
    HashToCurveCache cache = new HashToCurveCache(2, Duration.ofHours(1));
    List<BlsSecretKey> keys = keys(random, 8);
    Bytes32[] messages = {randomRoot(random), randomRoot(random), randomRoot(random)};
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        BlsSecretKey key = keys.get(i % keys.size());
        Bytes32 message = messages[i % messages.length];
        results.add(pool.submit(() -> key.sign(message, cache).equals(key.sign(message))));
      }
      for (Future<Boolean> result : results) {
        assertTrue(result.get());
      }
    } finally {
      pool.shutdownNow();
      keys.forEach(BlsSecretKey::close);
    }
  }

  /** An entry lives at most two ages: an operator that signs little keeps little. */
  @Test
  void entriesAgeOut() throws InterruptedException {
    HashToCurveCache cache = new HashToCurveCache(1_000, Duration.ofMillis(20));
    try (BlsSecretKey key = keys(new Random(9), 1).get(0)) {
      Bytes32 old = Bytes32.fromHex("0x" + "11".repeat(32));
      key.sign(old, cache);
      Thread.sleep(30);
      key.sign(Bytes32.fromHex("0x" + "22".repeat(32)), cache); // rolls: old is now in the previous generation
      Thread.sleep(30);
      key.sign(Bytes32.fromHex("0x" + "33".repeat(32)), cache); // rolls again: old is gone
      assertEquals(key.sign(old), key.sign(old, cache));
      assertEquals(4, cache.misses(), "old was hashed again");
      assertEquals(0, cache.hits());
    }
  }

  @Test
  void aClosedKeyDoesNotSign() {
    BlsSecretKey key = keys(new Random(7), 1).get(0);
    key.close();
    assertThrows(IllegalStateException.class, () -> key.sign(Bytes32.ZERO, new HashToCurveCache()));
  }

  @Test
  void capacityMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new HashToCurveCache(0, Duration.ofSeconds(1)));
  }

  private static List<BlsSecretKey> keys(Random random, int count) {
    List<BlsSecretKey> keys = new ArrayList<>();
    while (keys.size() < count) {
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      secret[0] &= 0x3f; // below the curve order
      keys.add(BlsSecretKey.fromBytes(secret));
    }
    return keys;
  }

  private static Bytes32 randomRoot(Random random) {
    byte[] root = new byte[32];
    random.nextBytes(root);
    return Bytes32.wrap(root);
  }
}
