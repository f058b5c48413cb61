package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

/** A full block of any fork; {@code hashTreeRoot(fork, preset)} equals its header's root. */
public record BeaconBlock(long slot, long proposerIndex, Bytes32 parentRoot, Bytes32 stateRoot, BeaconBlockBody body) {
  public BeaconBlock {
    Objects.requireNonNull(parentRoot, "parentRoot");
    Objects.requireNonNull(stateRoot, "stateRoot");
    Objects.requireNonNull(body, "body");
  }

  public BeaconBlockHeader header(Fork fork, Preset preset) {
    return new BeaconBlockHeader(slot, proposerIndex, parentRoot, stateRoot, body.hashTreeRoot(fork, preset));
  }

  public Bytes32 hashTreeRoot(Fork fork, Preset preset) {
    return header(fork, preset).hashTreeRoot();
  }

  /** Root of SignedBeaconBlock(message=this, signature). */
  public Bytes32 signedRoot(Fork fork, Preset preset, dev.palisade.eth2.Bytes signature) {
    return Ssz.container(hashTreeRoot(fork, preset), Ssz.byteVector(FixedSizes.require(signature, FixedSizes.BLS_SIGNATURE, "signature")));
  }
}
