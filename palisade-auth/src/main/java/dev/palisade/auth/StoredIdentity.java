package dev.palisade.auth;

import java.util.Optional;

/** An identity as the store holds it: with the secret hash, which must never leave this package. */
record StoredIdentity(Identity identity, Optional<byte[]> secretHash) {
  @Override
  public String toString() {
    return "StoredIdentity[" + identity.id() + "]";
  }
}
