package dev.palisade.vault.watermark;

import dev.palisade.eth2.BlsPublicKey;
import java.util.Map;

/**
 * Where the vault keeps its per-key high-watermarks. {@link #save} must be durable when it
 * returns: the vault returns a signature only after its watermark update is saved.
 */
public interface WatermarkStore extends AutoCloseable {
  /** Every saved watermark (read once when the vault starts). */
  Map<BlsPublicKey, Watermark> loadAll();

  /** Durably records the new watermark of {@code key} (the whole state, not a delta). */
  void save(BlsPublicKey key, Watermark watermark);

  @Override
  void close();

  /** Watermarks kept in memory only: enforced for the life of the process, lost at restart. */
  static WatermarkStore inMemory() {
    return new WatermarkStore() {
      @Override
      public Map<BlsPublicKey, Watermark> loadAll() {
        return Map.of();
      }

      @Override
      public void save(BlsPublicKey key, Watermark watermark) {}

      @Override
      public void close() {}
    };
  }
}
