package dev.palisade.eth2;

import dev.palisade.eth2.ssz.Ssz;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** compute_fork_data_root, compute_domain and compute_signing_root (consensus-specs phase0). */
public final class Domains {
  /**
   * Fork data roots by (version, genesis validators root): every request names its fork, and a network has a
   * handful. Bounded because the pair comes from the caller: past the bound it starts over.
   */
  private static final Map<ForkData, Bytes32> FORK_DATA_ROOTS = new ConcurrentHashMap<>();
  private static final int MAX_FORK_DATA_ROOTS = 64;

  private record ForkData(ForkVersion version, Bytes32 genesisValidatorsRoot) {}

  private Domains() {}

  /** hash_tree_root(ForkData(current_version, genesis_validators_root)). */
  public static Bytes32 computeForkDataRoot(ForkVersion currentVersion, Bytes32 genesisValidatorsRoot) {
    ForkData key = new ForkData(currentVersion, genesisValidatorsRoot);
    Bytes32 root = FORK_DATA_ROOTS.get(key);
    if (root == null) {
      if (FORK_DATA_ROOTS.size() >= MAX_FORK_DATA_ROOTS) {
        FORK_DATA_ROOTS.clear();
      }
      root = forkDataRoot(currentVersion, genesisValidatorsRoot);
      FORK_DATA_ROOTS.put(key, root);
    }
    return root;
  }

  private static Bytes32 forkDataRoot(ForkVersion currentVersion, Bytes32 genesisValidatorsRoot) {
    byte[] versionChunk = new byte[Bytes32.SIZE];
    System.arraycopy(currentVersion.toArray(), 0, versionChunk, 0, ForkVersion.SIZE);
    return Ssz.hash(Bytes32.wrap(versionChunk), genesisValidatorsRoot);
  }

  /** domain_type ‖ fork_data_root[0:28]. */
  public static Bytes32 computeDomain(DomainType type, ForkVersion forkVersion, Bytes32 genesisValidatorsRoot) {
    byte[] domain = new byte[Bytes32.SIZE];
    System.arraycopy(type.toArray(), 0, domain, 0, 4);
    System.arraycopy(computeForkDataRoot(forkVersion, genesisValidatorsRoot).toArray(), 0, domain, 4, 28);
    return Bytes32.wrap(domain);
  }

  /** hash_tree_root(SigningData(object_root, domain)). */
  public static Bytes32 computeSigningRoot(Bytes32 objectRoot, Bytes32 domain) {
    return Ssz.hash(objectRoot, domain);
  }
}
