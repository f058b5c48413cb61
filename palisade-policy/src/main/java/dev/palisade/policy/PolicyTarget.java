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

  @Override
  public String toString() {
    return scope.wireName() + "/" + id;
  }
}
