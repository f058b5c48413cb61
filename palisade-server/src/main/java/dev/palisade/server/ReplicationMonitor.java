package dev.palisade.server;

import dev.palisade.slashing.ReplicationSafety;
import dev.palisade.slashing.ReplicationSafety.Level;
import dev.palisade.slashing.SlashingProtection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the PostgreSQL replication durability periodically, logs a WARN whenever it is not
 * SYNCHRONOUS or STANDALONE (at start and on every change) and serves the last answer as the
 * {@code replication} entry of {@code /healthcheck}.
 *
 * <p>The entry is always UP: asynchronous replication is the common setup and the database is
 * reachable, so taking the signer out of rotation would cost every duty to guard a failover that
 * may never happen. The entry and the WARN make the risk visible; docs/reliability.md gives the
 * safe setups.
 */
final class ReplicationMonitor implements HealthCheck, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicationMonitor.class);
  static final String CHECK_ID = "replication";

  private final SlashingProtection slashing;
  private final ScheduledExecutorService scheduler;
  private volatile ReplicationSafety.Status last;

  private ReplicationMonitor(SlashingProtection slashing, ReplicationSafety.Status first, Duration period) {
    this.slashing = slashing;
    this.last = first;
    report(null, first);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "replication-monitor");
      thread.setDaemon(true);
      return thread;
    });
    scheduler.scheduleWithFixedDelay(this::recheck, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Empty for stores without replication (SQLite). */
  static Optional<ReplicationMonitor> start(SlashingProtection slashing, Duration period) {
    return slashing.replication().map(first -> new ReplicationMonitor(slashing, first, period));
  }

  ReplicationSafety.Status last() {
    return last;
  }

  private void recheck() {
    try {
      ReplicationSafety.Status now = slashing.replication().orElse(last);
      ReplicationSafety.Status before = last;
      last = now;
      report(before, now);
    } catch (RuntimeException e) {
      LOG.debug("replication re-check failed", e); // replication() never throws; keep the thread alive
    }
  }

  private static void report(ReplicationSafety.Status before, ReplicationSafety.Status now) {
    if (before != null && before.level() == now.level()) {
      return;
    }
    if (now.level() == Level.ASYNC_REPLICAS || now.level() == Level.UNKNOWN) {
      LOG.warn("slashing protection database replication {}: {}. See docs/reliability.md.", now.level(), now.detail());
    } else {
      LOG.info("slashing protection database replication {}: {}", now.level(), now.detail());
    }
  }

  @Override
  public Result check() {
    ReplicationSafety.Status status = last;
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("level", status.level().name());
    data.put("synchronous-standbys", status.synchronousStandbys());
    data.put("standbys", status.standbys().size());
    data.put("detail", status.detail());
    return Result.up(CHECK_ID, data);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
