package dev.palisade.policy;

/** The policy database cannot be read or written: callers must refuse to sign (fail closed). */
public final class PolicyUnavailableException extends RuntimeException {
  public PolicyUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
