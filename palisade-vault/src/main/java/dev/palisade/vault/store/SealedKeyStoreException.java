package dev.palisade.vault.store;

/** The key store's database failed or cannot be reached. */
public final class SealedKeyStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SealedKeyStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
