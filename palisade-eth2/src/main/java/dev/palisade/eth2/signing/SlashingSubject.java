package dev.palisade.eth2.signing;

/** What slashing protection must check before a BLOCK/BLOCK_V2 or ATTESTATION is signed. */
public sealed interface SlashingSubject {
  record Block(long slot) implements SlashingSubject {}

  record Attestation(long sourceEpoch, long targetEpoch) implements SlashingSubject {}
}
