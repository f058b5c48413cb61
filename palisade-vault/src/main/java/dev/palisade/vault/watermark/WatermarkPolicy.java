package dev.palisade.vault.watermark;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.signing.SlashingSubject;
import dev.palisade.vault.VaultRefusedException;
import dev.palisade.vault.VaultRefusedException.Rule;

/**
 * The vault's high-watermark rules. A block is signed only above the highest signed slot, or at it
 * with the same signing root (identical re-sign). An attestation is signed only with a target above
 * the highest signed target (or at it with the same signing root) and a source not below the
 * highest signed source. Both are stricter than EIP-3076's minimal rules, so a message they accept
 * can never be slashable against what this vault signed before.
 */
public final class WatermarkPolicy {
  private WatermarkPolicy() {}

  /**
   * The watermark after signing {@code subject} with signing root {@code root}: {@code current}
   * itself for an identical re-sign (nothing to save), a new state otherwise.
   *
   * @throws VaultRefusedException if the message is below a watermark
   */
  public static Watermark next(BlsPublicKey key, Watermark current, SlashingSubject subject, Bytes32 root) {
    if (subject instanceof SlashingSubject.Block block) {
      long slot = block.slot();
      if (current.hasBlock()) {
        if (Long.compareUnsigned(slot, current.blockSlot()) < 0) {
          throw new VaultRefusedException(
              Rule.BLOCK_SLOT_BELOW_WATERMARK,
              key,
              "block slot " + Long.toUnsignedString(slot) + " is below the vault's watermark slot "
                  + Long.toUnsignedString(current.blockSlot()) + " for " + key);
        }
        if (slot == current.blockSlot()) {
          if (root.equals(current.blockRoot())) {
            return current;
          }
          throw new VaultRefusedException(
              Rule.BLOCK_DOUBLE_PROPOSAL,
              key,
              "a different block was already signed at slot " + Long.toUnsignedString(slot) + " for " + key);
        }
      }
      return current.withBlock(slot, root);
    }
    SlashingSubject.Attestation attestation = (SlashingSubject.Attestation) subject;
    long source = attestation.sourceEpoch();
    long target = attestation.targetEpoch();
    if (Long.compareUnsigned(source, target) > 0) {
      throw new VaultRefusedException(
          Rule.ATTESTATION_SOURCE_AFTER_TARGET,
          key,
          "attestation source epoch " + Long.toUnsignedString(source) + " is after its target epoch "
              + Long.toUnsignedString(target) + " for " + key);
    }
    if (!current.hasAttestation()) {
      return current.withAttestation(source, root, target, root);
    }
    if (Long.compareUnsigned(target, current.targetEpoch()) < 0) {
      throw new VaultRefusedException(
          Rule.ATTESTATION_TARGET_BELOW_WATERMARK,
          key,
          "attestation target epoch " + Long.toUnsignedString(target) + " is below the vault's watermark "
              + Long.toUnsignedString(current.targetEpoch()) + " for " + key);
    }
    if (target == current.targetEpoch()) {
      if (root.equals(current.targetRoot())) {
        return current;
      }
      throw new VaultRefusedException(
          Rule.ATTESTATION_DOUBLE_VOTE,
          key,
          "a different attestation was already signed for target epoch " + Long.toUnsignedString(target)
              + " for " + key);
    }
    if (Long.compareUnsigned(source, current.sourceEpoch()) < 0) {
      throw new VaultRefusedException(
          Rule.ATTESTATION_SOURCE_BELOW_WATERMARK,
          key,
          "attestation source epoch " + Long.toUnsignedString(source) + " is below the vault's watermark "
              + Long.toUnsignedString(current.sourceEpoch()) + " for " + key);
    }
    boolean sourceRises = Long.compareUnsigned(source, current.sourceEpoch()) > 0;
    return current.withAttestation(
        source, sourceRises ? root : current.sourceRoot(), target, root);
  }
}
