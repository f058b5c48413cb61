package dev.palisade.server.signing;

/**
 * A rule every signing request passes before the vault is called. Policies that record state (the
 * slashing history) must have made their record durable before returning {@link PolicyDecision.Allow}.
 */
public interface SigningPolicy {
  PolicyDecision evaluate(SigningContext context);
}
