package dev.palisade.auth;

/**
 * The auth store could not do what was asked. Messages name operators, identities or keys, never a
 * secret or its hash.
 */
public class AuthStoreException extends RuntimeException {
  public AuthStoreException(String message) {
    super(message);
  }

  public AuthStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
