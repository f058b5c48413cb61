package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.DomainType;
import dev.palisade.eth2.Domains;
import dev.palisade.eth2.ForkVersion;
import java.util.Objects;

/** The request's fork_info: the fork around the message's epoch and the chain's genesis validators root. */
public record ForkInfo(ForkVersions fork, Bytes32 genesisValidatorsRoot) {

  /** fork_info.fork: the consensus Fork container. */
  public record ForkVersions(ForkVersion previousVersion, ForkVersion currentVersion, long epoch) {
    public ForkVersions {
      Objects.requireNonNull(previousVersion, "previousVersion");
      Objects.requireNonNull(currentVersion, "currentVersion");
    }

    /** The version in force at {@code messageEpoch}: previous before the fork epoch, current from it. */
    public ForkVersion versionAt(long messageEpoch) {
      return Long.compareUnsigned(messageEpoch, epoch) < 0 ? previousVersion : currentVersion;
    }
  }

  public ForkInfo {
    Objects.requireNonNull(fork, "fork");
    Objects.requireNonNull(genesisValidatorsRoot, "genesisValidatorsRoot");
  }

  /** get_domain(state, type, epoch) with the state replaced by this fork_info. */
  public Bytes32 domain(DomainType type, long messageEpoch) {
    return Domains.computeDomain(type, fork.versionAt(messageEpoch), genesisValidatorsRoot);
  }
}
