package dev.palisade.server.metrics;

import dev.palisade.server.signing.SigningEvent;
import dev.palisade.server.signing.SigningListener;
import dev.palisade.slashing.SlashingProtection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Palisade's Prometheus metrics. Names are stable (the Grafana dashboard in {@code docs/grafana}
 * uses them); labels never carry key material.
 */
public final class PalisadeMetrics implements SigningListener {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentHashMap<String, Timer> signingTimers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> signatures = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> refusals = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> policyDecisions = new ConcurrentHashMap<>();

  public PalisadeMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  @Override
  public void completed(SigningEvent event) {
    if (event.signed()) {
      signed(event.typeName(), event.elapsedNanos());
    } else {
      refused(event.typeName(), event.refusal().get(), event.elapsedNanos());
    }
  }

  private void signed(String type, long elapsedNanos) {
    signingTimer(type).record(elapsedNanos, TimeUnit.NANOSECONDS);
    signatures
        .computeIfAbsent(type, t -> Counter.builder("palisade_signatures").tag("type", t)
            .description("Signatures produced").register(registry))
        .increment();
  }

  /** One policy decision: {@code outcome} allow, deny or approval; {@code rule} the rule that decided. */
  public void policyDecision(String rule, String outcome) {
    policyDecisions
        .computeIfAbsent(rule + '\0' + outcome, k -> Counter.builder("palisade_policy_decisions")
            .tag("rule", rule).tag("outcome", outcome)
            .description("Policy decisions by rule and outcome").register(registry))
        .increment();
  }

  /** Approvals waiting for approvers (read from the shared database at each scrape). */
  public void bindPendingApprovals(java.util.function.LongSupplier pending) {
    Gauge.builder("palisade_approvals_pending", pending, p -> p.getAsLong())
        .strongReference(true)
        .description("Approvals waiting for approvers, all operators").register(registry);
  }

  /** Refusals before a caller is known (401) never reach the signing service; count them here. */
  public void unauthenticated() {
    refused("unknown", "unauthenticated", 0);
  }

  private void refused(String type, String reason, long elapsedNanos) {
    if (elapsedNanos > 0) {
      signingTimer(type).record(elapsedNanos, TimeUnit.NANOSECONDS);
    }
    refusals
        .computeIfAbsent(type + '\0' + reason, k -> Counter.builder("palisade_signing_refusals")
            .tag("type", type).tag("reason", reason)
            .description("Signing requests that produced no signature, by reason").register(registry))
        .increment();
  }

  private Timer signingTimer(String type) {
    return signingTimers.computeIfAbsent(
        type,
        t -> Timer.builder("palisade_signing_duration")
            .tag("type", t)
            .description("Time from request to signature or refusal, excluding HTTP")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1).dividedBy(10))
            .maximumExpectedValue(Duration.ofSeconds(5))
            .register(registry));
  }

  /** Signing latency of one type since start, estimated from the histogram's buckets (upper bounds). */
  public record Latency(String type, long count, double p50Millis, double p99Millis) {}

  /** Per signing type, for the console's chart. */
  public java.util.List<Latency> signingLatencies() {
    return signingTimers.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).map(entry -> {
      io.micrometer.core.instrument.distribution.HistogramSnapshot snapshot = entry.getValue().takeSnapshot();
      return new Latency(entry.getKey(), snapshot.count(), quantileMillis(snapshot, 0.5), quantileMillis(snapshot, 0.99));
    }).toList();
  }

  /** The smallest bucket bound under which at least {@code q} of the samples fall (bucket counts are cumulative). */
  private static double quantileMillis(io.micrometer.core.instrument.distribution.HistogramSnapshot snapshot, double q) {
    double wanted = Math.ceil(q * snapshot.count());
    for (io.micrometer.core.instrument.distribution.CountAtBucket bucket : snapshot.histogramCounts()) {
      if (bucket.count() >= wanted) {
        return bucket.bucket(TimeUnit.MILLISECONDS);
      }
    }
    return snapshot.max(TimeUnit.MILLISECONDS);
  }

  /** The signing pool: queue depth, active threads and requests turned away because it was full. */
  public void bindSigningPool(ThreadPoolExecutor pool, AtomicLong rejections) {
    Gauge.builder("palisade_signing_queue_depth", pool, p -> p.getQueue().size())
        .description("Requests waiting for a signing thread").register(registry);
    Gauge.builder("palisade_signing_threads_active", pool, ThreadPoolExecutor::getActiveCount)
        .register(registry);
    FunctionCounter.builder("palisade_signing_rejections", rejections, AtomicLong::get)
        .description("Requests refused with 503 because the signing queue was full").register(registry);
  }

  /** Store work per signature can be read off these as rates. */
  public void bindSlashingStore(SlashingProtection store) {
    FunctionCounter.builder("palisade_slashing_store_round_trips", store, s -> s.stats().roundTrips())
        .description("Statements sent to the slashing database").register(registry);
    FunctionCounter.builder("palisade_slashing_store_commits", store, s -> s.stats().commits())
        .register(registry);
    FunctionCounter.builder("palisade_slashing_store_checks", store, s -> s.stats().checks())
        .register(registry);
  }

  /** The time a slashing check takes, queueing for the group commit included. */
  public Timer slashingCheckTimer() {
    return Timer.builder("palisade_slashing_check_duration")
        .description("Check-and-record in the slashing store, group-commit wait included")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1).dividedBy(10))
        .maximumExpectedValue(Duration.ofSeconds(5))
        .register(registry);
  }

  public void bindKeys(String operator, IntSupplier keysLoaded) {
    // Micrometer holds gauge state weakly: a lambda would be collected and read NaN
    Gauge.builder("palisade_keys_loaded", keysLoaded, s -> s.getAsInt())
        .strongReference(true)
        .tag("operator", operator).description("Keys the vault can sign with").register(registry);
  }

  public void bindVaultHealth(Supplier<Boolean> up) {
    Gauge.builder("palisade_vault_up", up, u -> u.get() ? 1 : 0)
        .strongReference(true)
        .description("1 when the vault answers").register(registry);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
