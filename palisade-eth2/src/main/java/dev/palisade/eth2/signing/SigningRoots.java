package dev.palisade.eth2.signing;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Domains;

/** The three values behind a signature: hash_tree_root(message), the domain, and their SigningData root. */
public record SigningRoots(Bytes32 objectRoot, Bytes32 domain, Bytes32 signingRoot) {
  static SigningRoots of(Bytes32 objectRoot, Bytes32 domain) {
    return new SigningRoots(objectRoot, domain, Domains.computeSigningRoot(objectRoot, domain));
  }
}
