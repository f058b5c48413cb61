package dev.palisade.store;

/** The database cannot be opened, reached or migrated. Messages never contain a password. */
public class DatabaseUnavailableException extends RuntimeException {
  public DatabaseUnavailableException(String message) {
    super(message);
  }

  public DatabaseUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
