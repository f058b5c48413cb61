package dev.palisade.policy;

import java.util.Map;
import java.util.Optional;

/** The whole policy set at one version: what every decision made under {@code version} saw. */
public record PolicySnapshot(long version, Map<PolicyTarget, PolicyDocument> documents) {
  public PolicySnapshot {
    documents = Map.copyOf(documents);
  }

  public Optional<PolicyDocument> document(PolicyTarget target) {
    return Optional.ofNullable(documents.get(target));
  }
}
