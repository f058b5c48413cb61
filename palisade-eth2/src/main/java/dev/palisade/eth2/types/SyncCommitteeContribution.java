package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

/** @param aggregationBits Bitvector[SYNC_COMMITTEE_SIZE / SYNC_COMMITTEE_SUBNET_COUNT] bytes */
public record SyncCommitteeContribution(
    long slot, Bytes32 beaconBlockRoot, long subcommitteeIndex, Bytes aggregationBits, Bytes signature) {
  public SyncCommitteeContribution {
    Objects.requireNonNull(beaconBlockRoot, "beaconBlockRoot");
    Objects.requireNonNull(aggregationBits, "aggregationBits");
    FixedSizes.require(signature, FixedSizes.BLS_SIGNATURE, "signature");
  }

  public Bytes32 hashTreeRoot(Preset preset) {
    return Ssz.container(
        Ssz.uint64(slot),
        beaconBlockRoot,
        Ssz.uint64(subcommitteeIndex),
        Ssz.bitvector(aggregationBits, preset.syncSubcommitteeSize(), "aggregation_bits"),
        Ssz.byteVector(signature));
  }
}
