package dev.palisade.server;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Random attestations and blocks for a set of keys, deliberately conflicting: each request picks a
 * (source, target) window or slot near the key's moving front with one of a few roots, so the
 * stream holds repeats, double votes, surrounding and surrounded votes and double proposals. Every
 * 200 goes to the {@link SlashableCheck}; statuses are counted.
 */
final class ConflictingLoad {
  private static final String[] ROOTS = {"0x" + "11".repeat(32), "0x" + "22".repeat(32), "0x" + "33".repeat(32)};

  private final List<String> keys;
  private final SlashableCheck check;
  /** Per key: how many requests it got so far; the epoch/slot front moves with it. */
  private final Map<String, AtomicLong> ticks = new ConcurrentHashMap<>();
  private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
  private final LongAdder requests = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private volatile long firstOkAfter = Long.MAX_VALUE;
  private final AtomicLong firstOkNanos = new AtomicLong(Long.MAX_VALUE);

  ConflictingLoad(List<String> keys, SlashableCheck check) {
    this.keys = List.copyOf(keys);
    this.check = check;
    keys.forEach(k -> ticks.put(k, new AtomicLong()));
  }

  /** Sends one random request through {@code client}; never throws for a dead node. */
  void sendOne(HttpTestClient client) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String key = keys.get(random.nextInt(keys.size()));
    long front = 2 + ticks.get(key).incrementAndGet() / 6;
    String root = ROOTS[random.nextInt(ROOTS.length)];
    requests.increment();
    try {
      if (random.nextInt(4) == 0) {
        long slot = front * 2 + random.nextInt(-2, 3);
        HttpResponse<String> response = client.sign(key, TwoInstancesRaceTest.block(slot, root), null);
        if (count(response.statusCode())) {
          check.signedBlock(key, slot, root);
        }
      } else {
        long source = Math.max(0, front - random.nextInt(0, 4));
        long target = source + 1 + random.nextInt(0, 4);
        HttpResponse<String> response = client.sign(key, SigningApiTest.attestation(source, target, root), null);
        if (count(response.statusCode())) {
          check.signedAttestation(key, source, target, root);
        }
      }
    } catch (UncheckedIOException | IllegalStateException e) {
      failures.increment(); // node killed or restarting: nothing was returned, nothing to check
    }
  }

  private boolean count(int status) {
    statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
    if (status == 200 && firstOkAfter != Long.MAX_VALUE) {
      firstOkNanos.compareAndSet(Long.MAX_VALUE, System.nanoTime());
    }
    return status == 200;
  }

  /** From now on, remember when the next 200 arrives (see {@link #firstOkAt}). */
  void watchForNextSignature() {
    firstOkNanos.set(Long.MAX_VALUE);
    firstOkAfter = System.nanoTime();
  }

  /** System.nanoTime() of the first 200 after {@link #watchForNextSignature}, or MAX_VALUE. */
  long firstOkAt() {
    return firstOkNanos.get();
  }

  long requests() {
    return requests.sum();
  }

  long status(int code) {
    LongAdder adder = statuses.get(code);
    return adder == null ? 0 : adder.sum();
  }

  long failures() {
    return failures.sum();
  }

  String summary() {
    StringBuilder out = new StringBuilder("requests=" + requests() + " ");
    new java.util.TreeMap<>(statuses).forEach((code, n) -> out.append(code).append('=').append(n.sum()).append(' '));
    return out.append("no-response=").append(failures()).toString();
  }
}
