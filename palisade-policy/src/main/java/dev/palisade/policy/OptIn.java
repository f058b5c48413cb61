package dev.palisade.policy;

/**
 * A feature a request needs that is off unless a policy enables it ({@link RuleOutcome.Enable}):
 * refused as {@code rule} with {@code message} otherwise.
 */
public record OptIn(String feature, String rule, String message) {}
