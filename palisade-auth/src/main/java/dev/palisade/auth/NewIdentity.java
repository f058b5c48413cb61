package dev.palisade.auth;

import dev.palisade.eth2.BlsPublicKey;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** A request to create an identity. For token and basic identities the store generates the secret. */
public record NewIdentity(
    IdentityId id,
    OperatorId operator,
    Credential credential,
    Scopes scopes,
    Optional<Set<BlsPublicKey>> allowedKeys) {

  public NewIdentity {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(scopes, "scopes");
    allowedKeys = allowedKeys.map(Set::copyOf);
  }

  /** An identity that may use every key its operator owns. */
  public static NewIdentity of(
      String id, String operator, Credential credential, String scopes) {
    return new NewIdentity(
        IdentityId.of(id), OperatorId.of(operator), credential, Scopes.parse(scopes), Optional.empty());
  }

  public NewIdentity limitedTo(Set<BlsPublicKey> keys) {
    return new NewIdentity(id, operator, credential, scopes, Optional.of(keys));
  }
}
