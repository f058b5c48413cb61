package dev.palisade.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.AuditEntry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Per source and minute: the first refusal of a kind at once, the rest as one counted row later. */
class UnauthenticatedCounterTest {
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-04T22:00:05Z"));
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };

  @Test
  void aMinuteOfRefusalsFromOneSourceIsOneImmediateRowAndOneCountedRow() {
    UnauthenticatedCounter counter = new UnauthenticatedCounter(clock);
    AuditEntry first = counter.record("10.0.0.1", "no credentials");
    assertNotNull(first);
    assertTrue(first.reason().startsWith("unauthenticated x1 from 10.0.0.1"), first.reason());
    for (int i = 0; i < 999; i++) {
      assertNull(counter.record("10.0.0.1", "no credentials"));
    }
    assertNotNull(counter.record("10.0.0.1", "unknown token"), "a new kind of refusal shows at once");
    assertNotNull(counter.record("10.0.0.2", "no credentials"), "so does a new source");
    assertEquals(List.of(), counter.drain(false), "the minute is not over");

    now.set(Instant.parse("2026-12-04T22:01:00Z"));
    List<AuditEntry> rows = counter.drain(false);
    assertEquals(1, rows.size(), rows.toString());
    assertTrue(rows.get(0).reason().startsWith("unauthenticated x999 from 10.0.0.1 in minute 2026-12-04T22:00:00Z:"),
        rows.get(0).reason());
    assertEquals(List.of(), counter.drain(true), "nothing left");
  }

  @Test
  void theOpenMinuteIsWrittenAtShutdown() {
    UnauthenticatedCounter counter = new UnauthenticatedCounter(clock);
    for (int i = 0; i < 3; i++) {
      counter.record("::1", "no credentials");
    }
    List<AuditEntry> rows = counter.drain(true);
    assertEquals(1, rows.size());
    assertTrue(rows.get(0).reason().startsWith("unauthenticated x2 from ::1"), rows.get(0).reason());
  }

  @Test
  void sourcesBeyondTheCapShareOneBucket() {
    UnauthenticatedCounter counter = new UnauthenticatedCounter(clock);
    for (int i = 0; i < UnauthenticatedCounter.MAX_SOURCES + 500; i++) {
      String source = "fd00::" + Integer.toHexString(i);
      counter.record(source, "no credentials");
      counter.record(source, "no credentials");
    }
    List<AuditEntry> rows = counter.drain(true);
    assertEquals(UnauthenticatedCounter.MAX_SOURCES + 1, rows.size());
    assertTrue(rows.stream().anyMatch(r -> r.reason().startsWith("unauthenticated x999 from other")),
        "the 500 late sources: 1 immediate + 999 counted");
  }
}
