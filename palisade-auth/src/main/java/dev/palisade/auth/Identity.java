package dev.palisade.auth;

import dev.palisade.eth2.BlsPublicKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A caller Palisade knows: it belongs to one operator, holds scopes, and may be narrowed to a list of
 * that operator's keys ({@code allowedKeys} empty = every key of the operator). Carries no secret.
 */
public record Identity(
    IdentityId id,
    OperatorId operator,
    Credential credential,
    Scopes scopes,
    Optional<Set<BlsPublicKey>> allowedKeys,
    Instant createdAt,
    Optional<Instant> revokedAt) {

  public Identity {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(scopes, "scopes");
    allowedKeys = allowedKeys.map(Set::copyOf);
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(revokedAt, "revokedAt");
  }

  public IdentityType type() {
    return credential.type();
  }

  public boolean isRevoked() {
    return revokedAt.isPresent();
  }

  /** True when the identity's own key list (if any) admits {@code key}; ownership is checked elsewhere. */
  public boolean keyListAdmits(BlsPublicKey key) {
    return allowedKeys.map(keys -> keys.contains(key)).orElse(true);
  }
}
