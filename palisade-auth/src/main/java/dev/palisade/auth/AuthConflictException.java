package dev.palisade.auth;

/**
 * The request contradicts what is stored: a name already taken, an unknown operator, a certificate or
 * network already claimed by another identity, a key owned by another operator.
 */
public final class AuthConflictException extends AuthStoreException {
  public AuthConflictException(String message) {
    super(message);
  }
}
