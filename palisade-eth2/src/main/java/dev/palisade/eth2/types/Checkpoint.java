package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

public record Checkpoint(long epoch, Bytes32 root) {
  public Checkpoint {
    Objects.requireNonNull(root, "root");
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(Ssz.uint64(epoch), root);
  }
}
