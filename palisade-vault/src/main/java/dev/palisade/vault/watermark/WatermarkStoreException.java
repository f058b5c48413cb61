package dev.palisade.vault.watermark;

/** The watermark file could not be read or written; the vault signs nothing it cannot record. */
public final class WatermarkStoreException extends RuntimeException {
  public WatermarkStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
