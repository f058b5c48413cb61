package dev.palisade.policy;

import java.util.Objects;

/** One attachment point of a policy document: an operator, a key or an identity. */
public record PolicyTarget(PolicyScope scope, String id) {
  public PolicyTarget {
    Objects.requireNonNull(scope, "scope");
    id = scope.normalize(Objects.requireNonNull(id, "id"));
  }

  public static PolicyTarget of(String scope, String id) {
    return new PolicyTarget(PolicyScope.parse(scope), id);
  }

  /** A KEY target that is an EVM address (0x + 40 hex), not a BLS public key (0x + 96 hex). */
  public boolean isEvmKey() {
    return scope == PolicyScope.KEY && id.length() == 42;
  }

  @Override
  public String toString() {
    return scope.wireName() + "/" + id;
  }
}
