package dev.palisade.bench;

/**
 * Sends signing requests to the node with a bounded number in flight. Completion callbacks run on
 * the generator's own threads (named {@code bench-*} or {@code HttpClient-*}) so that their CPU
 * time is attributed to the generator.
 */
interface LoadClient extends AutoCloseable {

  @FunctionalInterface
  interface Done {
    /** @param status HTTP status, or -1 on an I/O error (then {@code error} says why) */
    void done(int status, String error);
  }

  /** Queues or sends one POST; may block while {@link #maxInFlight()} requests are in flight. */
  void send(String path, byte[] body, Done done);

  int maxInFlight();

  String description();

  @Override
  void close();
}
