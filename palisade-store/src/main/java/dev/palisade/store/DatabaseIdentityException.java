package dev.palisade.store;

/**
 * The database is not the one this data directory used before (another, an empty or a missing
 * one): refusing it keeps a node from signing on a history that does not hold what it signed.
 */
public final class DatabaseIdentityException extends DatabaseUnavailableException {
  public DatabaseIdentityException(String message) {
    super(message);
  }
}
