package dev.palisade.server.signing;

import dev.palisade.server.http.ApiException;
/** Observes the outcome of every signing request: metrics and the audit log. */
public interface SigningListener {
  SigningListener NONE = event -> {};

  /**
   * @throws ApiException.Unavailable only from a listener that must record the outcome before
   *     it is answered and could not; the request then gets 503 and no signature
   */
  void completed(SigningEvent event);

  /** Tells several listeners, in order. */
  static SigningListener all(SigningListener... listeners) {
    return event -> {
      for (SigningListener listener : listeners) {
        listener.completed(event);
      }
    };
  }
}
