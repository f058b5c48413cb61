package dev.palisade.server;

/**
 * How the HTTP API listens.
 *
 * @param maxBodyBytes larger request bodies are refused with 413 before they are parsed
 * @param signingThreads the bounded pool that runs decoding, policies and BLS off the event loop
 */
public record ServerConfig(String host, int port, int maxBodyBytes, int signingThreads) {
  public static final int DEFAULT_PORT = 9000;
  public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

  public ServerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535");
    }
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("max body size must be positive");
    }
    if (signingThreads <= 0) {
      throw new IllegalArgumentException("signing threads must be positive");
    }
  }

  /** Loopback on {@code port}, with defaults sized to this machine. */
  public static ServerConfig loopback(int port) {
    return new ServerConfig("127.0.0.1", port, DEFAULT_MAX_BODY_BYTES, defaultSigningThreads());
  }

  /**
   * BLS signing is CPU-bound but a thread also waits for the slashing store's group commit, so
   * the pool is a small multiple of the cores rather than exactly the cores.
   */
  public static int defaultSigningThreads() {
    return Math.max(4, Runtime.getRuntime().availableProcessors() * 4);
  }
}
