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
 *
 * <p>Fast start: keys are built with {@link KeySealer#openAuthenticated} (no public-key
 * derivation; the GCM tag authenticates the secret with its public key). Once every key is in the
 * vault (readiness), a low-priority daemon thread re-derives each loaded key's public key; a key
 * whose secret does not match is removed from the vault and logged by public key only. {@link
 * #verification()} completes when that pass is done.
 */
public final class SealedKeyLoader {
  private static final Logger LOG = LoggerFactory.getLogger(SealedKeyLoader.class);
  private static final int BATCH = 256;

  private final SealedKeyStore store;
  private final KekRing keks;
  private final int parallelism;
  private final boolean verifyInBackground;
  private final java.util.concurrent.CompletableFuture<Verification> verification =
      new java.util.concurrent.CompletableFuture<>();

  /** What the background verification found: keys checked and keys removed for a mismatch. */
  public record Verification(int verified, List<dev.palisade.eth2.BlsPublicKey> removed) {
    public Verification {
      removed = List.copyOf(removed);
    }
  }

  public SealedKeyLoader(SealedKeyStore store, KekRing keks) {
    this(store, keks, Runtime.getRuntime().availableProcessors());
  }

  public SealedKeyLoader(SealedKeyStore store, KekRing keks, int parallelism) {
    this(store, keks, parallelism, true);
  }

  /**
   * @param verifyInBackground whether to re-derive every loaded key's public key on a background
   *     thread after loading (only turn it off in benchmarks that measure the load alone)
   */
  public SealedKeyLoader(SealedKeyStore store, KekRing keks, int parallelism, boolean verifyInBackground) {
    this.verifyInBackground = verifyInBackground;
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
    ConcurrentLinkedQueue<dev.palisade.eth2.BlsPublicKey> opened = new ConcurrentLinkedQueue<>();
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
              workers.execute(() -> openAll(full, vault, loaded, alreadyHeld, opened, failures));
            }
          });
      if (!batch.isEmpty()) {
        openAll(List.copyOf(batch), vault, loaded, alreadyHeld, opened, failures);
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
    if (verifyInBackground) {
      startVerification(vault, List.copyOf(opened));
    } else {
      verification.complete(new Verification(0, List.of()));
    }
    return summary;
  }

  /**
   * Completes when the background verification of the keys of the last {@link #loadInto} is
   * done (never, before a load).
   */
  public java.util.concurrent.CompletableFuture<Verification> verification() {
    return verification;
  }

  private void startVerification(InProcessVault vault, List<dev.palisade.eth2.BlsPublicKey> keys) {
    Thread thread =
        new Thread(
            () -> {
              int verified = 0;
              List<dev.palisade.eth2.BlsPublicKey> removed = new ArrayList<>();
              try {
                for (dev.palisade.eth2.BlsPublicKey key : keys) {
                  switch (vault.verifyPublicKey(key)) {
                    case VERIFIED -> verified++;
                    case MISMATCH_REMOVED -> removed.add(key);
                    case NOT_HELD -> { } // removed meanwhile
                  }
                }
                if (!removed.isEmpty()) {
                  LOG.error("{} loaded keys did not match their public keys and were removed", removed.size());
                }
                verification.complete(new Verification(verified, removed));
              } catch (RuntimeException | Error e) {
                LOG.error("background key verification failed: {}", e.getClass().getSimpleName());
                verification.completeExceptionally(e);
              }
            },
            "sealed-key-verifier");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
  }

  private void openAll(
      List<SealedKey> records,
      InProcessVault vault,
      AtomicInteger loaded,
      AtomicInteger alreadyHeld,
      ConcurrentLinkedQueue<dev.palisade.eth2.BlsPublicKey> opened,
      ConcurrentLinkedQueue<LoadSummary.Failure> failures) {
    for (SealedKey record : records) {
      if (vault.holds(record.publicKey())) {
        alreadyHeld.incrementAndGet(); // skip the decryption entirely
        continue;
      }
      try {
        BlsSecretKey key = KeySealer.openAuthenticated(record, keks);
        if (vault.add(key)) {
          loaded.incrementAndGet();
          opened.add(record.publicKey());
        } else {
          alreadyHeld.incrementAndGet();
        }
      } catch (SealedKeyException e) {
        failures.add(new LoadSummary.Failure(record.publicKey(), e.kind(), e.getMessage()));
      }
    }
  }
}
