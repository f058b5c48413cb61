package dev.palisade.vault;

import dev.palisade.eth2.BlsPublicKey;

/** The vault holds no key with this public key. */
public final class UnknownKeyException extends RuntimeException {
  private final transient BlsPublicKey key;

  public UnknownKeyException(BlsPublicKey key) {
    super("no key loaded for " + key);
    this.key = key;
  }

  public BlsPublicKey key() {
    return key;
  }
}
