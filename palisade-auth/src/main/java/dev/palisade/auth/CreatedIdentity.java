package dev.palisade.auth;

import java.util.Optional;

/**
 * The result of creating an identity: the identity, and for token/basic identities the secret, which
 * exists nowhere else (the store keeps only its hash). Show it once, then drop it.
 */
public record CreatedIdentity(Identity identity, Optional<Secret> secret) {}
