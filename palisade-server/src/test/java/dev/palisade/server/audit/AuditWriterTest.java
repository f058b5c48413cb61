package dev.palisade.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuditWriterTest {
  private static AuditEntry entry(long slot) {
    return new AuditEntry(Instant.EPOCH, "vc", "op", null, "ATTESTATION", slot, slot / 32,
        AuditDecision.SIGNED, "signed");
  }

  @Test
  void routineRowsAreCommittedInBatchesAtMostEveryTenMilliseconds() throws Exception {
    List<Integer> batches = new CopyOnWriteArrayList<>();
    try (AuditWriter writer = new AuditWriter(entries -> batches.add(entries.size()), 10_000, Clock.systemUTC())) {
      long start = System.nanoTime();
      for (int i = 0; i < 200; i++) { // one row every 0.1 ms, as at 10,000 signatures a second
        writer.submit(entry(i));
        TimeUnit.MICROSECONDS.sleep(100);
      }
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (writer.written() < 200 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(200, writer.written(), "every row lands");
      assertEquals(200, batches.stream().mapToInt(Integer::intValue).sum());
      // one batch per 10 ms of submitting, plus the first and the last; unpaced, a writer as fast
      // as this appender commits nearly every row alone
      assertTrue(batches.size() <= elapsedMillis / 10 + 2,
          batches.size() + " batches in " + elapsedMillis + " ms: " + batches);
    }
  }
}
