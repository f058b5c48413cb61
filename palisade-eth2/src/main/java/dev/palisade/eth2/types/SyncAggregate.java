package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

/** @param syncCommitteeBits Bitvector[SYNC_COMMITTEE_SIZE] bytes; the size is checked against the preset when hashing */
public record SyncAggregate(Bytes syncCommitteeBits, Bytes syncCommitteeSignature) {
  public SyncAggregate {
    Objects.requireNonNull(syncCommitteeBits, "syncCommitteeBits");
    FixedSizes.require(syncCommitteeSignature, FixedSizes.BLS_SIGNATURE, "syncCommitteeSignature");
  }

  public Bytes32 hashTreeRoot(Preset preset) {
    return Ssz.container(
        Ssz.bitvector(syncCommitteeBits, preset.syncCommitteeSize(), "sync_committee_bits"),
        Ssz.byteVector(syncCommitteeSignature));
  }
}
