package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.ssz.Ssz;
import dev.palisade.eth2.ssz.SszException;
import java.util.Objects;
import java.util.Optional;

/**
 * An attestation in either shape: phase0 (aggregation_bits, data, signature) or Electra (EIP-7549:
 * plus committee_bits). Which shape is hashed is decided by the fork passed to {@link
 * #hashTreeRoot}; committee_bits is required for Electra+ and ignored before.
 *
 * @param aggregationBits the bitlist in its SSZ serialization, with the length delimiter bit
 * @param committeeBits the Bitvector[MAX_COMMITTEES_PER_SLOT] bytes, if the sender gave them
 */
public record Attestation(
    Bytes aggregationBits, AttestationData data, Bytes signature, Optional<Bytes> committeeBits) {
  public Attestation {
    Objects.requireNonNull(aggregationBits, "aggregationBits");
    Objects.requireNonNull(data, "data");
    FixedSizes.require(signature, FixedSizes.BLS_SIGNATURE, "signature");
    Objects.requireNonNull(committeeBits, "committeeBits");
  }

  public Bytes32 hashTreeRoot(Fork fork, Preset preset) {
    Bytes32 bits = Ssz.bitlist(aggregationBits, preset.attestationBitsLimit(fork), "aggregation_bits");
    if (!fork.hasCommitteeBits()) {
      return Ssz.container(bits, data.hashTreeRoot(), Ssz.byteVector(signature));
    }
    Bytes committees =
        committeeBits.orElseThrow(
            () -> new SszException("committee_bits is required for an " + fork + " attestation"));
    return Ssz.container(
        bits,
        data.hashTreeRoot(),
        Ssz.byteVector(signature),
        Ssz.bitvector(committees, preset.maxCommitteesPerSlot(), "committee_bits"));
  }
}
