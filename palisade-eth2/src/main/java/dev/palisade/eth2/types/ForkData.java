package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Domains;
import dev.palisade.eth2.ForkVersion;
import java.util.Objects;

public record ForkData(ForkVersion currentVersion, Bytes32 genesisValidatorsRoot) {
  public ForkData {
    Objects.requireNonNull(currentVersion, "currentVersion");
    Objects.requireNonNull(genesisValidatorsRoot, "genesisValidatorsRoot");
  }

  public Bytes32 hashTreeRoot() {
    return Domains.computeForkDataRoot(currentVersion, genesisValidatorsRoot);
  }
}
