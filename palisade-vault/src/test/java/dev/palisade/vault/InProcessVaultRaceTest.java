package dev.palisade.vault;

import static org.junit.jupiter.api.Assertions.*;

import dev.palisade.crypto.Bls;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.BlsSignature;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.vault.watermark.WatermarkStore;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** DELETE racing signing: a key is never zeroed under a signature in progress. */
class InProcessVaultRaceTest {
  @Test
  void removeRacingSignNeverYieldsABadSignature() throws Exception {
    byte[] root = VaultSigning.RANDAO.signingRoot(VaultSigning.MAINNET).toArray();
    Random random = new Random(42);
    try (InProcessVault vault = new InProcessVault(WatermarkStore.inMemory())) {
      ConcurrentLinkedQueue<BlsSignature> signatures = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
      AtomicInteger unknown = new AtomicInteger();
      for (int round = 0; round < 30; round++) {
        BlsSecretKey key = TestKeys.random(random);
        BlsPublicKey publicKey = key.publicKey();
        vault.add(key);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(3);
        List<Thread> signers = new java.util.ArrayList<>();
        for (int t = 0; t < 3; t++) {
          Thread thread = new Thread(() -> {
            started.countDown();
            while (!stop.get()) {
              try {
                BlsSignature signature = vault.sign(publicKey, VaultSigning.RANDAO, VaultSigning.MAINNET);
                signatures.add(signature);
                if (!Bls.verify(publicKey, root, signature)) {
                  unexpected.add(new AssertionError("signature does not verify"));
                }
              } catch (UnknownKeyException e) {
                unknown.incrementAndGet();
                return;
              } catch (Throwable e) {
                unexpected.add(e);
                return;
              }
            }
          });
          thread.start();
          signers.add(thread);
        }
        started.await();
        Thread.sleep(round % 3);
        assertTrue(vault.remove(publicKey));
        assertTrue(key.isClosed());
        stop.set(true);
        for (Thread thread : signers) {
          thread.join();
        }
      }
      assertEquals(List.of(), List.copyOf(unexpected));
      assertTrue(unknown.get() > 0, "some signs lost the race and got UnknownKeyException");
      assertFalse(signatures.isEmpty());
    }
  }
}
