package dev.palisade.server.audit;

import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts refusals of unauthenticated requests per source address and minute, so a flood costs one
 * audit row per source per minute (with its count) instead of one row per request. Distinct
 * sources per minute are capped: beyond {@link #MAX_SOURCES} they share the bucket "other".
 */
public final class UnauthenticatedCounter {
  static final int MAX_SOURCES = 10_000;
  private static final int MAX_REASONS = 4;

  private record Bucket(String source, long minute) {}

  /** Mutated only inside {@link ConcurrentHashMap#compute}, which serialises it against removal. */
  private static final class Tally {
    long count;
    Instant last;
    final Map<String, Long> reasons = new LinkedHashMap<>();
  }

  private final ConcurrentHashMap<Bucket, Tally> buckets = new ConcurrentHashMap<>();
  private final Clock clock;

  public UnauthenticatedCounter(Clock clock) {
    this.clock = clock;
  }

  /** {@code source} is the remote address (null when unknown); {@code reason} never holds a secret. */
  public void record(String source, String reason) {
    Instant now = clock.instant();
    long minute = now.getEpochSecond() / 60;
    Bucket bucket = new Bucket(source == null ? "unknown" : source, minute);
    if (!buckets.containsKey(bucket) && buckets.size() >= MAX_SOURCES) {
      bucket = new Bucket("other", minute);
    }
    buckets.compute(
        bucket,
        (key, tally) -> {
          Tally t = tally == null ? new Tally() : tally;
          t.count++;
          t.last = now;
          String r = t.reasons.containsKey(reason) || t.reasons.size() < MAX_REASONS ? reason : "other";
          t.reasons.merge(r, 1L, Long::sum);
          return t;
        });
  }

  /** Removes and returns the rows of finished minutes, or of every minute when {@code all}. */
  public List<AuditEntry> drain(boolean all) {
    long currentMinute = clock.instant().getEpochSecond() / 60;
    List<AuditEntry> rows = new ArrayList<>();
    for (Bucket bucket : List.copyOf(buckets.keySet())) {
      if (all || bucket.minute() < currentMinute) {
        Tally tally = buckets.remove(bucket);
        if (tally != null) {
          rows.add(row(bucket, tally));
        }
      }
    }
    return rows;
  }

  private static AuditEntry row(Bucket bucket, Tally tally) {
    StringBuilder reason =
        new StringBuilder("unauthenticated x")
            .append(tally.count)
            .append(" from ")
            .append(bucket.source())
            .append(" in minute ")
            .append(Instant.ofEpochSecond(bucket.minute() * 60))
            .append(':');
    tally.reasons.forEach((text, n) -> reason.append(' ').append(text).append(" (").append(n).append(')'));
    return new AuditEntry(
        tally.last, null, null, null, "unknown", null, null, AuditDecision.REFUSED, reason.toString());
  }
}
