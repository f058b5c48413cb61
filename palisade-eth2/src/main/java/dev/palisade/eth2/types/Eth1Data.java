package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

public record Eth1Data(Bytes32 depositRoot, long depositCount, Bytes32 blockHash) {
  public Eth1Data {
    Objects.requireNonNull(depositRoot, "depositRoot");
    Objects.requireNonNull(blockHash, "blockHash");
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(depositRoot, Ssz.uint64(depositCount), blockHash);
  }
}
