package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.slashing.ReplicationSafety;
import dev.palisade.slashing.ReplicationSafety.Level;
import dev.palisade.slashing.SlashingProtection;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The monitor re-reads periodically and reports the last answer, UP whatever the level. */
class ReplicationMonitorTest {
  @Test
  void reportsTheLatestLevelAndStaysUp() throws Exception {
    AtomicReference<Level> level = new AtomicReference<>(Level.SYNCHRONOUS);
    SlashingProtection store = (SlashingProtection) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {SlashingProtection.class},
        (proxy, method, args) -> {
          if (method.getName().equals("replication")) {
            return Optional.of(new ReplicationSafety.Status(level.get(), "on", "*", false, List.of(), "test"));
          }
          throw new UnsupportedOperationException(method.getName());
        });
    try (ReplicationMonitor monitor = ReplicationMonitor.start(store, Duration.ofMillis(20)).orElseThrow()) {
      assertEquals("SYNCHRONOUS", monitor.check().data().get("level"));
      level.set(Level.ASYNC_REPLICAS);
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (monitor.last().level() != Level.ASYNC_REPLICAS && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      HealthCheck.Result result = monitor.check();
      assertEquals("ASYNC_REPLICAS", result.data().get("level"));
      assertTrue(result.up());
      assertEquals(ReplicationMonitor.CHECK_ID, result.id());
    }
  }

  @Test
  void storesWithoutReplicationGetNoMonitor() {
    SlashingProtection sqliteLike = (SlashingProtection) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {SlashingProtection.class},
        (proxy, method, args) -> method.getName().equals("replication") ? Optional.empty() : null);
    assertTrue(ReplicationMonitor.start(sqliteLike, Duration.ofSeconds(30)).isEmpty());
  }
}
