package dev.palisade.server.signing;

import dev.palisade.server.http.ApiException;
import java.util.List;

/** Observes the outcome of every signing request: metrics and the audit log. */
public interface SigningListener {
  SigningListener NONE = event -> {};

  /**
   * @throws ApiException.Unavailable only from a listener that must record the outcome before
   *     it is answered and could not; the request then gets 503 and no signature
   */
  void completed(SigningEvent event);

  /**
   * Whether {@link #completed} waits for a durable write for requests of this type, so that it must not be told on
   * a thread that may not block (an event loop).
   */
  default boolean waitsToRecord(String typeName) {
    return false;
  }

  /** Tells several listeners, in order. */
  static SigningListener all(SigningListener... listeners) {
    List<SigningListener> all = List.of(listeners);
    return new SigningListener() {
      @Override
      public void completed(SigningEvent event) {
        for (SigningListener listener : all) {
          listener.completed(event);
        }
      }

      @Override
      public boolean waitsToRecord(String typeName) {
        return all.stream().anyMatch(listener -> listener.waitsToRecord(typeName));
      }
    };
  }
}
