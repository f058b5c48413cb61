package dev.palisade.vault.keys;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import dev.palisade.vault.store.SealedKeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens every sealed key of an operator into an {@link InProcessVault}, fast enough for 100,000
 * keys at start: the calling thread streams records from the database in batches while workers
 * unwrap and decrypt them (two AES-GCM decryptions and one public-key derivation per key). The
 * work queue is bounded and overflow runs on the reader, so at most a few batches of sealed
 * records are in memory at once. A record that fails to open is reported and skipped.
 */
public final class SealedKeyLoader {
  private static final Logger LOG = LoggerFactory.getLogger(SealedKeyLoader.class);
  private static final int BATCH = 256;

  private final SealedKeyStore store;
  private final KekRing keks;
  private final int parallelism;

  public SealedKeyLoader(SealedKeyStore store, KekRing keks) {
    this(store, keks, Runtime.getRuntime().availableProcessors());
  }

  public SealedKeyLoader(SealedKeyStore store, KekRing keks, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    this.store = store;
    this.keks = keks;
    this.parallelism = parallelism;
  }

  public LoadSummary loadInto(InProcessVault vault, OperatorId operator) throws InterruptedException {
    long started = System.nanoTime();
    AtomicInteger loaded = new AtomicInteger();
    AtomicInteger alreadyHeld = new AtomicInteger();
    ConcurrentLinkedQueue<LoadSummary.Failure> failures = new ConcurrentLinkedQueue<>();
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(
            parallelism,
            parallelism,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(parallelism * 2),
            runnable -> {
              Thread thread = new Thread(runnable, "sealed-key-loader");
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
    try {
      List<SealedKey> batch = new ArrayList<>(BATCH);
      Runnable[] flush = new Runnable[1];
      store.forEach(
          operator,
          record -> {
            batch.add(record);
            if (batch.size() == BATCH) {
              List<SealedKey> full = List.copyOf(batch);
              batch.clear();
              workers.execute(() -> openAll(full, vault, loaded, alreadyHeld, failures));
            }
          });
      if (!batch.isEmpty()) {
        openAll(List.copyOf(batch), vault, loaded, alreadyHeld, failures);
      }
    } finally {
      workers.shutdown();
      if (!workers.awaitTermination(10, TimeUnit.MINUTES)) {
        workers.shutdownNow();
        throw new InterruptedException("sealed key loading did not finish");
      }
    }
    LoadSummary summary =
        new LoadSummary(
            loaded.get(),
            alreadyHeld.get(),
            new ArrayList<>(failures),
            Duration.ofNanos(System.nanoTime() - started));
    if (!summary.failures().isEmpty()) {
      LOG.warn("{} sealed keys of operator {} did not open", summary.failures().size(), operator);
    }
    return summary;
  }

  private void openAll(
      List<SealedKey> records,
      InProcessVault vault,
      AtomicInteger loaded,
      AtomicInteger alreadyHeld,
      ConcurrentLinkedQueue<LoadSummary.Failure> failures) {
    for (SealedKey record : records) {
      if (vault.holds(record.publicKey())) {
        alreadyHeld.incrementAndGet(); // skip the decryption entirely
        continue;
      }
      try {
        BlsSecretKey key = KeySealer.open(record, keks);
        if (vault.add(key)) {
          loaded.incrementAndGet();
        } else {
          alreadyHeld.incrementAndGet();
        }
      } catch (SealedKeyException e) {
        failures.add(new LoadSummary.Failure(record.publicKey(), e.kind(), e.getMessage()));
      }
    }
  }
}
