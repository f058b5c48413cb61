package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ForkVersion;
import dev.palisade.eth2.ssz.Ssz;
import java.util.Objects;

/** The consensus {@code Fork} container (named so to stay apart from the {@code Fork} enum). */
public record ForkContainer(ForkVersion previousVersion, ForkVersion currentVersion, long epoch) {
  public ForkContainer {
    Objects.requireNonNull(previousVersion, "previousVersion");
    Objects.requireNonNull(currentVersion, "currentVersion");
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(versionRoot(previousVersion), versionRoot(currentVersion), Ssz.uint64(epoch));
  }

  static Bytes32 versionRoot(ForkVersion version) {
    byte[] chunk = new byte[Bytes32.SIZE];
    System.arraycopy(version.toArray(), 0, chunk, 0, ForkVersion.SIZE);
    return Bytes32.wrap(chunk);
  }
}
