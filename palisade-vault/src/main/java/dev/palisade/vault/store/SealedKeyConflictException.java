package dev.palisade.vault.store;

import dev.palisade.eth2.BlsPublicKey;

/** A different sealed record already exists for the public key, and replacing was not asked. */
public final class SealedKeyConflictException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient BlsPublicKey publicKey;

  public SealedKeyConflictException(BlsPublicKey publicKey) {
    super("a different sealed key is already stored for " + publicKey);
    this.publicKey = publicKey;
  }

  public BlsPublicKey publicKey() {
    return publicKey;
  }
}
