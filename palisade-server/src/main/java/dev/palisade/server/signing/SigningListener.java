package dev.palisade.server.signing;

/** Observes the outcome of every signing request (metrics, later the audit log). */
public interface SigningListener {
  SigningListener NONE = new SigningListener() {};

  /** {@code type} is the Web3Signer type name, or {@code "unknown"} if the body did not say. */
  default void signed(String type, long elapsedNanos) {}

  /** {@code reason} is a stable name: a slashing rule, {@code bad_request}, {@code unknown_key}… */
  default void refused(String type, String reason, long elapsedNanos) {}
}
