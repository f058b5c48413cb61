package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

public record ProposerSlashing(SignedBeaconBlockHeader signedHeader1, SignedBeaconBlockHeader signedHeader2) {
  public ProposerSlashing {
    Objects.requireNonNull(signedHeader1, "signedHeader1");
    Objects.requireNonNull(signedHeader2, "signedHeader2");
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(signedHeader1.hashTreeRoot(), signedHeader2.hashTreeRoot());
  }
}
