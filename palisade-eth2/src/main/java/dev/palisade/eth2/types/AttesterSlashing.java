package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

public record AttesterSlashing(IndexedAttestation attestation1, IndexedAttestation attestation2) {
  public AttesterSlashing {
    Objects.requireNonNull(attestation1, "attestation1");
    Objects.requireNonNull(attestation2, "attestation2");
  }

  public Bytes32 hashTreeRoot(Fork fork, Preset preset) {
    return Ssz.container(attestation1.hashTreeRoot(fork, preset), attestation2.hashTreeRoot(fork, preset));
  }
}
