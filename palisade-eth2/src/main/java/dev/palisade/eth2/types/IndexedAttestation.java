package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.ssz.Ssz;
import java.util.List;
import java.util.Objects;

public record IndexedAttestation(List<Long> attestingIndices, AttestationData data, Bytes signature) {
  public IndexedAttestation {
    attestingIndices = List.copyOf(attestingIndices);
    Objects.requireNonNull(data, "data");
    FixedSizes.require(signature, FixedSizes.BLS_SIGNATURE, "signature");
  }

  /** The attesting_indices limit grows in Electra, so the root depends on the fork. */
  public Bytes32 hashTreeRoot(Fork fork, Preset preset) {
    return Ssz.container(
        Ssz.uint64List(attestingIndices, preset.attestingIndicesLimit(fork), "attesting_indices"),
        data.hashTreeRoot(),
        Ssz.byteVector(signature));
  }
}
