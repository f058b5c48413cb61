package dev.palisade.auth;

/** The database behind the auth store cannot be reached, or its view is too stale to trust. */
public final class AuthStoreUnavailableException extends AuthStoreException {
  public AuthStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
