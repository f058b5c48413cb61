package dev.palisade.auth;

/** A scope list could not be parsed; the message says which entry and lists the valid names. */
public final class InvalidScopeException extends IllegalArgumentException {
  public InvalidScopeException(String message) {
    super(message);
  }
}
