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
  record Count(String rule, String subject, String counter, Window window, long amount, long max, String message)
      implements RuleOutcome {}

  /** Which part of a counter's history a {@link Count} is checked against. */
  sealed interface Window {
    /** Where two documents limit the same counter in the same window, one limit (the lowest) applies. */
    String key();

    /** A fixed window (or an epoch) by its id: the next one starts at 0 (rate limits mean exactly that). */
    record Fixed(String id) implements Window {
      @Override
      public String key() {
        return "fixed:" + id;
      }
    }

    /**
     * The {@code length} before {@code at}: the sum of the spends recorded after {@code at - length} (any
     * later ones too) plus this one stays within max, so no period of that length ever holds more.
     */
    record Rolling(java.time.Instant at, Duration length) implements Window {
      @Override
      public String key() {
        return "rolling:" + length;
      }
    }
  }
}
