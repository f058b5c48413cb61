package dev.palisade.policy;

import java.time.Duration;

/** What one rule says about one request. Stateful outcomes are resolved by the engine, not the rule. */
public sealed interface RuleOutcome {
  Pass PASS = new Pass();

  record Pass() implements RuleOutcome {}

  /** Refused; {@code rule} is the stable name a client sees in the 412 body. */
  record Deny(String rule, String message) implements RuleOutcome {}

  /**
   * This document switches on {@code features} that are off by default (EIP-191, EIP-712, raw signing,
   * EIP-7702 delegates): a request that needs one is refused unless some applicable document enables it.
   */
  record Enable(java.util.Set<String> features) implements RuleOutcome {
    public Enable {
      features = java.util.Set.copyOf(features);
    }
  }

  /** Allowed only with {@code count} approvals from other identities of the operator, given within {@code lifetime}. */
  record NeedsApproval(int count, Duration lifetime, String what) implements RuleOutcome {}

  /**
   * Allowed while a shared counter stays within {@code max}: the request adds {@code amount} to
   * {@code counter} of {@code subject} in {@code window}. Rate limits add 1; value limits add a value.
   */
  record Count(String rule, String subject, String counter, String window, long amount, long max, String message)
      implements RuleOutcome {}
}
