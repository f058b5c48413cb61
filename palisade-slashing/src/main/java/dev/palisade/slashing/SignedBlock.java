package dev.palisade.slashing;

import dev.palisade.eth2.Bytes32;

/**
 * A recorded block (or the block watermark). {@code slot} is unsigned 64-bit; {@code signingRoot}
 * is null when unknown (minimal interchange, or a watermark raised by an import).
 */
public record SignedBlock(long slot, Bytes32 signingRoot) implements Conflict {
  @Override
  public String toString() {
    return "block(slot=" + Long.toUnsignedString(slot) + ", signing_root=" + signingRoot + ")";
  }
}
