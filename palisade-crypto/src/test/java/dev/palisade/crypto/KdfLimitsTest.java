package dev.palisade.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** KDF parameter caps, and the memory budget every decryption is admitted by. */
class KdfLimitsTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long MIB = 1 << 20;

  /** A real keystore with cheap scrypt (n=2^10, r=8: about 2 MiB), for concurrency tests. */
  private static Eip2335Keystore cheapScrypt(long scalar) throws KeystoreException {
    byte[] secret = new byte[32];
    secret[31] = (byte) scalar;
    secret[30] = (byte) (scalar >> 8);
    try (BlsSecretKey key = BlsSecretKey.fromBytes(secret)) {
      return Eip2335Keystore.encrypt(
          key, "pw", new Kdf.Scrypt(1 << 10, 8, 1, Kdf.randomSalt(RANDOM)), "", RANDOM);
    }
  }

  /** The keystore: scrypt n=2^20, r=8 (1 GiB). Its ciphertext is never reached. */
  static String oneGibScryptKeystore() throws Exception {
    ObjectNode root = (ObjectNode) TestVectors.JSON.readTree(cheapScrypt(1).toJson());
    root.withObjectProperty("crypto").withObjectProperty("kdf").withObjectProperty("params")
        .put("n", 1 << 20);
    return root.toString();
  }

  @Test
  void aOneGibScryptKeystoreIsRefusedFastWithoutAllocating() throws Exception {
    String json = oneGibScryptKeystore();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long allocatedBefore = threads.getThreadAllocatedBytes(thread);
    long started = System.nanoTime();
    KeystoreException e = assertThrows(KeystoreException.class, () -> Eip2335Keystore.parse(json));
    long micros = (System.nanoTime() - started) / 1000;
    long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;

    assertEquals(KeystoreException.Kind.INVALID_FORMAT, e.kind());
    assertEquals(
        "invalid kdf params: scrypt memory 128*r*n = 1073741824 bytes (n=1048576, r=8) exceeds the"
            + " limit of 268435456 bytes (256 MiB)",
        e.getMessage());
    assertTrue(allocated < MIB, "refusing allocated " + allocated + " bytes");
    System.out.printf("1 GiB scrypt keystore refused in %d us, %d bytes allocated%n", micros, allocated);
  }

  @Test
  void theDefaultsOfStakingDepositCliAreTheLimits() {
    byte[] salt = new byte[32];
    assertEquals(256 * MIB, 128L * 8 * new Kdf.Scrypt(1 << 18, 8, 1, salt).n());
    new Kdf.Pbkdf2(Kdf.Pbkdf2.MAX_ITERATIONS, salt);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Kdf.Pbkdf2((1 << 22) + 1, salt));
    assertEquals("pbkdf2 iterations c=4194305 exceed the limit of 4194304 (2^22)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Kdf.Scrypt(1 << 18, 16, 1, salt));
  }

  @Test
  void theSharedBudgetIsAQuarterOfTheHeapButFitsOneLargestJob() {
    assertEquals(Kdf.Scrypt.MAX_JOB_BYTES, KdfLimiter.defaultBudget(512 * MIB));
    assertEquals(1024 * MIB, KdfLimiter.defaultBudget(4096 * MIB));
    assertTrue(KdfLimiter.shared().budgetBytes() >= Kdf.Scrypt.MAX_JOB_BYTES);
  }

  @Test
  void concurrentDecryptionsNeverExceedTheBudget() throws Exception {
    Kdf kdf = cheapScrypt(1).kdf();
    long budget = 2 * kdf.memoryBytes() + kdf.memoryBytes() / 2; // room for two at a time
    KdfLimiter limiter = new KdfLimiter(budget, Duration.ofMinutes(1));
    AtomicLong inFlight = new AtomicLong();
    AtomicLong maxInFlight = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        futures.add(pool.submit(() -> limiter.run(kdf, () -> {
          // Our own count, independent of the limiter's bookkeeping.
          maxInFlight.accumulateAndGet(inFlight.addAndGet(kdf.memoryBytes()), Math::max);
          pause(5);
          inFlight.addAndGet(-kdf.memoryBytes());
          return null;
        })));
      }
      List<Eip2335Keystore> keystores = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        keystores.add(cheapScrypt(10 + i));
      }
      for (Eip2335Keystore keystore : keystores) {
        futures.add(pool.submit(() -> {
          keystore.decrypt("pw", limiter).close();
          return null;
        }));
      }
      for (Future<?> future : futures) {
        future.get(1, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2 * kdf.memoryBytes(), maxInFlight.get(), "two at a time, never three");
    assertTrue(limiter.peakBytes() <= budget, "peak " + limiter.peakBytes() + " > " + budget);
  }

  @Test
  void aJobThatCanNeverFitFailsAtOnce() throws Exception {
    Eip2335Keystore keystore = cheapScrypt(2);
    KdfLimiter tiny = new KdfLimiter(MIB, Duration.ofMinutes(1));
    long started = System.nanoTime();
    KeystoreException e = assertThrows(KeystoreException.class, () -> keystore.decrypt("pw", tiny));
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1));
    assertEquals(KeystoreException.Kind.RESOURCE_LIMIT, e.kind());
    assertEquals(
        "Scrypt[n=1024, r=8, p=1] needs 3 MiB but the decryption memory budget is 1 MiB"
            + " (a quarter of the heap by default: -Xmx raises it)",
        e.getMessage());
  }

  @Test
  void aLongButMovingQueueNeverTimesOut() throws Exception {
    Kdf kdf = cheapScrypt(4).kdf();
    KdfLimiter oneAtATime = new KdfLimiter(kdf.memoryBytes(), Duration.ofMillis(300));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    long started = System.nanoTime();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        futures.add(pool.submit(() -> oneAtATime.run(kdf, () -> {
          pause(50);
          return null;
        })));
      }
      for (Future<?> future : futures) {
        future.get(1, TimeUnit.MINUTES); // throws if any job was refused
      }
    } finally {
      pool.shutdownNow();
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(millis >= 16 * 50, "serialised, and far longer than the 300 ms wait: " + millis + " ms");
  }

  @Test
  void aJobThatWaitsTooLongFailsClearly() throws Exception {
    Eip2335Keystore keystore = cheapScrypt(3);
    KdfLimiter oneAtATime =
        new KdfLimiter(keystore.kdf().memoryBytes(), Duration.ofMillis(200));
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = new Thread(() -> {
      try {
        oneAtATime.run(keystore.kdf(), () -> {
          holding.countDown();
          while (release.getCount() > 0) {
            pause(5);
          }
          return null;
        });
      } catch (KeystoreException | RuntimeException ignored) {
        // the assertion below is what matters
      }
    });
    holder.start();
    try {
      assertTrue(holding.await(10, TimeUnit.SECONDS));
      KeystoreException e =
          assertThrows(KeystoreException.class, () -> keystore.decrypt("pw", oneAtATime));
      assertEquals(KeystoreException.Kind.RESOURCE_LIMIT, e.kind());
      assertTrue(e.getMessage().startsWith(
          "no decryption finished in 200 ms while waiting for decryption memory (3 of 3 MiB in use"),
          e.getMessage());
    } finally {
      release.countDown();
      holder.join();
    }
    oneAtATime.run(keystore.kdf(), () -> null); // the budget was given back
    keystore.decrypt("pw", oneAtATime).close();
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
