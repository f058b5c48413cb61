package dev.palisade.crypto;

import dev.palisade.eth2.Bytes32;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import supranational.blst.P2;

/**
 * blst's hash-to-G2 of recently signed 32-byte messages, so that keys signing the same message pay only
 * the scalar multiplication. Hashing to the curve is half of a BLS signature (186 of 368 µs here), and on
 * the consensus layer many validators sign one message: every member of a committee signs the same
 * attestation data, every validator of a slot the same selection-proof slot. Signing is unchanged otherwise:
 * {@code hash_to(m, DST)} then {@code sign_with(sk)}, both blst's, exactly as {@link BlsSecretKey#sign(byte[])}.
 *
 * <p>Entries are public values (the hash of a public message). Callers decide which messages may be
 * cached: a hit is faster than a miss, so caching a message only one tenant knows would tell another tenant,
 * by timing, that it was signed.
 *
 * <p>Bounded: two generations of at most {@code capacity} entries each; when the current one is full, or
 * older than {@code maxAge}, it becomes the previous one and the older is dropped, so a message in use
 * survives by being copied forward. A committee signs within its slot, so a minute covers the reuse; an
 * operator that signs little keeps little (~450 bytes an entry). Thread-safe; two threads missing on one
 * message both hash it, and one result is kept.
 */
public final class HashToCurveCache {
  /** One epoch of mainnet committees (32 slots × 64) plus the slots' selection proofs, with room to spare. */
  public static final int DEFAULT_CAPACITY = 4_096;
  /** Five slots. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(60);

  private final int capacity;
  private final long maxAgeNanos;
  private volatile long currentSince = System.nanoTime();
  private volatile ConcurrentHashMap<Bytes32, P2> current;
  private volatile ConcurrentHashMap<Bytes32, P2> previous = new ConcurrentHashMap<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  public HashToCurveCache() {
    this(DEFAULT_CAPACITY, DEFAULT_MAX_AGE);
  }

  public HashToCurveCache(int capacity, Duration maxAge) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1 but was " + capacity);
    }
    this.capacity = capacity;
    this.maxAgeNanos = maxAge.toNanos();
    this.current = new ConcurrentHashMap<>();
  }

  /** A fresh copy of {@code message}'s point on G2, which the caller may multiply in place. */
  P2 pointFor(Bytes32 message) {
    P2 point = current.get(message);
    if (point == null) {
      point = previous.get(message);
      if (point == null) {
        misses.increment();
        point = new P2().hash_to(message.toArray(), Bls.DST, new byte[0]);
      } else {
        hits.increment();
      }
      remember(message, point);
    } else {
      hits.increment();
    }
    return point.dup(); // the cached point is never handed out: sign_with multiplies in place
  }

  private void remember(Bytes32 message, P2 point) {
    ConcurrentHashMap<Bytes32, P2> generation = current;
    if (generation.size() >= capacity || System.nanoTime() - currentSince >= maxAgeNanos) {
      synchronized (this) {
        if (current == generation) {
          previous = generation;
          current = new ConcurrentHashMap<>();
          currentSince = System.nanoTime();
        }
        generation = current;
      }
    }
    generation.putIfAbsent(message, point);
  }

  /** Signatures whose message was already hashed. */
  public long hits() {
    return hits.sum();
  }

  /** Signatures that hashed their message. */
  public long misses() {
    return misses.sum();
  }
}
