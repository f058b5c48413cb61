package dev.palisade.vault.watermark;

import dev.palisade.eth2.Bytes32;

/**
 * The state of one key's high-watermarks. Immutable; {@code null} roots mean "never signed".
 *
 * @param blockSlot highest block slot signed, -1 if none (slots are compared unsigned-safe: they
 *     stay far below 2^63 on any real chain)
 * @param blockRoot signing root of the block at {@code blockSlot}
 * @param sourceEpoch highest attestation source epoch signed, -1 if none
 * @param sourceRoot signing root of the attestation that set {@code sourceEpoch}
 * @param targetEpoch highest attestation target epoch signed, -1 if none
 * @param targetRoot signing root of the attestation at {@code targetEpoch}
 */
public record Watermark(
    long blockSlot,
    Bytes32 blockRoot,
    long sourceEpoch,
    Bytes32 sourceRoot,
    long targetEpoch,
    Bytes32 targetRoot) {
  public static final Watermark NONE = new Watermark(-1, null, -1, null, -1, null);

  public boolean hasBlock() {
    return blockRoot != null;
  }

  public boolean hasAttestation() {
    return targetRoot != null;
  }

  public Watermark withBlock(long slot, Bytes32 root) {
    return new Watermark(slot, root, sourceEpoch, sourceRoot, targetEpoch, targetRoot);
  }

  public Watermark withAttestation(long source, Bytes32 sRoot, long target, Bytes32 tRoot) {
    return new Watermark(blockSlot, blockRoot, source, sRoot, target, tRoot);
  }
}
