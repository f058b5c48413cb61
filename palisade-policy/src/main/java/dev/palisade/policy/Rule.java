package dev.palisade.policy;

/** One parsed rule of a policy document: pure, no I/O; shared state is asked for with {@link RuleOutcome.Count}. */
@FunctionalInterface
public interface Rule {
  RuleOutcome check(PolicyRequest request);
}
