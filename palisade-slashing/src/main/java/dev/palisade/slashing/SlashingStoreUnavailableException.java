package dev.palisade.slashing;

/** The store could not give a durable answer in time: do not sign (HTTP 503). */
public class SlashingStoreUnavailableException extends RuntimeException {
  public SlashingStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public SlashingStoreUnavailableException(String message) {
    super(message);
  }
}
