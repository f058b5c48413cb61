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
 * Counts refusals of unauthenticated requests per source address and minute, so a flood costs a
 * few audit rows per source per minute instead of one per request (20,000 requests once wrote
 * 20,000 rows). The first refusal of each reason (up to {@value #MAX_REASONS}) from a source in a
 * minute is written at once, so an attempt shows promptly; the rest become one row with their
 * count when the minute is over. Distinct sources per minute are capped: beyond {@link
 * #MAX_SOURCES} they share the bucket "other".
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
    final java.util.Set<String> reported = new java.util.HashSet<>();
  }

  private final ConcurrentHashMap<Bucket, Tally> buckets = new ConcurrentHashMap<>();
  private final Clock clock;

  public UnauthenticatedCounter(Clock clock) {
    this.clock = clock;
  }

  /**
   * {@code source} is the remote address (null when unknown); {@code reason} never holds a secret.
   * Returns a row to write now for the first refusal of its kind in the bucket, else null.
   */
  public AuditEntry record(String source, String reason) {
    Instant now = clock.instant();
    long minute = now.getEpochSecond() / 60;
    Bucket bucket = new Bucket(source == null ? "unknown" : source, minute);
    if (!buckets.containsKey(bucket) && buckets.size() >= MAX_SOURCES) {
      bucket = new Bucket("other", minute);
    }
    boolean[] first = new boolean[1];
    buckets.compute(
        bucket,
        (key, tally) -> {
          Tally t = tally == null ? new Tally() : tally;
          if (t.reported.size() < MAX_REASONS && t.reported.add(reason)) {
            first[0] = true;
            return t;
          }
          t.count++;
          t.last = now;
          String r = t.reasons.containsKey(reason) || t.reasons.size() < MAX_REASONS ? reason : "other";
          t.reasons.merge(r, 1L, Long::sum);
          return t;
        });
    return first[0] ? row(bucket, 1, now, Map.of(reason, 1L)) : null;
  }

  /** Removes and returns the rows of finished minutes, or of every minute when {@code all}. */
  public List<AuditEntry> drain(boolean all) {
    long currentMinute = clock.instant().getEpochSecond() / 60;
    List<AuditEntry> rows = new ArrayList<>();
    for (Bucket bucket : List.copyOf(buckets.keySet())) {
      if (all || bucket.minute() < currentMinute) {
        Tally tally = buckets.remove(bucket);
        if (tally != null && tally.count > 0) {
          rows.add(row(bucket, tally.count, tally.last, tally.reasons));
        }
      }
    }
    return rows;
  }

  private static AuditEntry row(Bucket bucket, long count, Instant last, Map<String, Long> reasons) {
    StringBuilder reason =
        new StringBuilder("unauthenticated x")
            .append(count)
            .append(" from ")
            .append(bucket.source())
            .append(" in minute ")
            .append(Instant.ofEpochSecond(bucket.minute() * 60))
            .append(':');
    reasons.forEach((text, n) -> reason.append(' ').append(text).append(" (").append(n).append(')'));
    return new AuditEntry(
        last, null, null, null, "unknown", null, null, AuditDecision.REFUSED, reason.toString());
  }
}
