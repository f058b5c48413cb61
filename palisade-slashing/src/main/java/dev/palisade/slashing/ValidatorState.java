package dev.palisade.slashing;

import dev.palisade.eth2.Bytes32;

/**
 * The per-validator row every decision reads and every recording updates: the watermarks. Values
 * are unsigned 64-bit; null means "nothing recorded yet".
 *
 * @param blockSlot highest recorded block slot (signed or imported)
 * @param blockRoot signing root of that block if we signed it; null if unknown or imported
 * @param attSource highest recorded attestation source epoch
 * @param attTarget highest recorded attestation target epoch
 * @param attRoot signing root of the attestation (attSource, attTarget) if we signed it
 */
record ValidatorState(
    boolean enabled,
    Long blockSlot,
    Bytes32 blockRoot,
    Long attSource,
    Long attTarget,
    Bytes32 attRoot) {

  static final ValidatorState EMPTY = new ValidatorState(true, null, null, null, null, null);

  ValidatorState afterBlock(long slot, Bytes32 root) {
    return new ValidatorState(enabled, slot, root, attSource, attTarget, attRoot);
  }

  ValidatorState afterAttestation(long source, long target, Bytes32 root) {
    return new ValidatorState(enabled, blockSlot, blockRoot, source, target, root);
  }
}
