package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

public record SigningData(Bytes32 objectRoot, Bytes32 domain) {
  public SigningData {
    Objects.requireNonNull(objectRoot, "objectRoot");
    Objects.requireNonNull(domain, "domain");
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(objectRoot, domain);
  }
}
