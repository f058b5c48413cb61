package dev.palisade.slashing;

/** What a refusal conflicts with: a recorded block, a recorded attestation, or the pinned root. */
public sealed interface Conflict permits SignedBlock, SignedAttestation, Conflict.PinnedGenesisRoot {

  record PinnedGenesisRoot(dev.palisade.eth2.Bytes32 genesisValidatorsRoot) implements Conflict {}
}
