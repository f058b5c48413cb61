package dev.palisade.eth2;

import dev.palisade.eth2.ssz.Ssz;

/** compute_fork_data_root, compute_domain and compute_signing_root (consensus-specs phase0). */
public final class Domains {
  private Domains() {}

  /** hash_tree_root(ForkData(current_version, genesis_validators_root)). */
  public static Bytes32 computeForkDataRoot(ForkVersion currentVersion, Bytes32 genesisValidatorsRoot) {
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
