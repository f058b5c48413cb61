package dev.palisade.server.signing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A rule every signing request passes before the vault is called. Policies that record state (the
 * slashing history) must have made their record durable before returning {@link PolicyDecision.Allow}.
 */
public interface SigningPolicy {
  PolicyDecision evaluate(SigningContext context);

  /**
   * As {@link #evaluate}, for a caller that must not block (an event loop): a policy that waits on I/O answers a
   * future completed when the I/O is done, or does its blocking work on {@code blocking}; the future fails with the
   * {@link dev.palisade.server.http.ApiException} {@code evaluate} would throw. By default it decides at once.
   */
  default CompletableFuture<PolicyDecision> evaluateAsync(SigningContext context, Executor blocking) {
    try {
      return CompletableFuture.completedFuture(evaluate(context));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
