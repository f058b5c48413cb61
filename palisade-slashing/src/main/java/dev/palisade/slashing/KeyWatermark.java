package dev.palisade.slashing;

import dev.palisade.eth2.BlsPublicKey;

/**
 * What the slashing store holds for one key, for people to read: whether it may sign, its highest
 * block slot and its attestation source/target watermark (unsigned; null: nothing recorded).
 */
public record KeyWatermark(BlsPublicKey key, boolean enabled, Long blockSlot, Long attestationSource,
    Long attestationTarget) {

  /** Unsigned decimal, or null. */
  public static String text(Long unsignedOrNull) {
    return unsignedOrNull == null ? null : Long.toUnsignedString(unsignedOrNull);
  }
}
