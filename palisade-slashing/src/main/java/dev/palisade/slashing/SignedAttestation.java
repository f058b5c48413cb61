package dev.palisade.slashing;

import dev.palisade.eth2.Bytes32;

/**
 * A recorded attestation (or the attestation watermarks). Epochs are unsigned 64-bit; {@code
 * signingRoot} is null when unknown.
 */
public record SignedAttestation(long sourceEpoch, long targetEpoch, Bytes32 signingRoot)
    implements Conflict {
  @Override
  public String toString() {
    return "attestation(source="
        + Long.toUnsignedString(sourceEpoch)
        + ", target="
        + Long.toUnsignedString(targetEpoch)
        + ", signing_root="
        + signingRoot
        + ")";
  }
}
