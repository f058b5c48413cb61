package dev.palisade.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * How the HTTP API listens.
 *
 * @param maxBodyBytes larger request bodies are refused with 413 before they are parsed
 * @param signingThreads the bounded pool for work that waits (admin calls, batches, EVM signing, exits and deposits,
 *     policy counters, a vault process); other eth2 signatures are decided and computed on the event loops
 * @param signingQueueLimit requests waiting beyond this get 503 at once instead of timing out
 * @param metricsPort Prometheus {@code /metrics} on its own port; {@link #METRICS_DISABLED} for none
 * @param tls the server's TLS identity; without it Palisade listens on loopback only unless
 *     {@code allowPlaintextRemote} says otherwise
 */
public record ServerConfig(
    String host,
    int port,
    int maxBodyBytes,
    int signingThreads,
    int signingQueueLimit,
    String metricsHost,
    int metricsPort,
    Optional<TlsConfig> tls,
    boolean allowPlaintextRemote) {
  public static final int DEFAULT_PORT = 9000;
  public static final int DEFAULT_METRICS_PORT = 9001;
  public static final int METRICS_DISABLED = -1;
  public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
  public static final int DEFAULT_QUEUE_LIMIT = 50_000;

  public ServerConfig {
    checkPort(port, "port");
    if (metricsPort != METRICS_DISABLED) {
      checkPort(metricsPort, "metrics port");
    }
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("max body size must be positive");
    }
    if (signingThreads <= 0) {
      throw new IllegalArgumentException("signing threads must be positive");
    }
    if (signingQueueLimit <= 0) {
      throw new IllegalArgumentException("signing queue limit must be positive");
    }
    if (tls.isEmpty() && !allowPlaintextRemote && !isLoopback(host)) {
      throw new IllegalArgumentException(
          "refusing to serve plaintext HTTP on " + host + ": configure TLS (--tls-keystore-file) or pass"
              + " --insecure-allow-plaintext-remote to expose signing without encryption");
    }
  }

  /** Plaintext, no metrics port, default queue: what most tests need. */
  public ServerConfig(String host, int port, int maxBodyBytes, int signingThreads) {
    this(host, port, maxBodyBytes, signingThreads, DEFAULT_QUEUE_LIMIT, host, METRICS_DISABLED,
        Optional.empty(), false);
  }

  public ServerConfig withTls(TlsConfig tlsConfig) {
    return new ServerConfig(host, port, maxBodyBytes, signingThreads, signingQueueLimit, metricsHost,
        metricsPort, Optional.of(tlsConfig), allowPlaintextRemote);
  }

  public ServerConfig withMetricsPort(int port) {
    return new ServerConfig(host, this.port, maxBodyBytes, signingThreads, signingQueueLimit, metricsHost,
        port, tls, allowPlaintextRemote);
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void checkPort(int port, String what) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(what + " must be between 0 and 65535");
    }
  }

  public boolean metricsEnabled() {
    return metricsPort != METRICS_DISABLED;
  }

  /**
   * A pool thread signing a batch item spends most of it waiting for the slashing store's group commit, and only
   * threads that wait can share a commit: measured on 2 cores (when single requests ran here too), 64 threads gave
   * 2.8x the throughput of 8 (batches of 13.6 checks instead of 2.9). BLS itself is bounded by the cores.
   */
  public static int defaultSigningThreads() {
    return Math.max(64, Runtime.getRuntime().availableProcessors() * 8);
  }
}
