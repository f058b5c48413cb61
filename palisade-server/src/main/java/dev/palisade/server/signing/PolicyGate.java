package dev.palisade.server.signing;

import dev.palisade.server.http.ApiException;
import dev.palisade.policy.Decision;
import dev.palisade.policy.PolicyEngine;
import dev.palisade.policy.PolicyRequest;
import dev.palisade.policy.PolicyUnavailableException;
import dev.palisade.server.metrics.PalisadeMetrics;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's policies (palisade-policy), run before anti-slashing so that a request they refuse
 * or hold for approval records nothing in the slashing store; and the EVM path's spending policies.
 * Every outcome names the policy version.
 */
public final class PolicyGate implements SigningPolicy {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyGate.class);
  private final PolicyEngine engine;
  private final PalisadeMetrics metrics;
  private final Clock clock;

  public PolicyGate(PolicyEngine engine, PalisadeMetrics metrics, Clock clock) {
    this.engine = engine;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public PolicyDecision evaluate(SigningContext context) {
    return evaluate(request(context));
  }

  /** In memory where the engine can decide so (no counter, no approval); otherwise on {@code blocking}. */
  @Override
  public CompletableFuture<PolicyDecision> evaluateAsync(SigningContext context, Executor blocking) {
    try {
      PolicyRequest request = request(context);
      Optional<Decision> decided = decideFailingClosed(request, () -> engine.evaluateInMemory(request));
      return decided.isPresent()
          ? CompletableFuture.completedFuture(decision(decided.get()))
          : CompletableFuture.supplyAsync(() -> evaluate(request), blocking);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new ApiException.Unavailable(ApiException.Unavailable.OVERLOADED));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private PolicyRequest request(SigningContext context) {
    if (context.caller() == null) {
      // a policy may name identities and operators: without the caller it cannot be judged
      throw new ApiException.Unavailable("policy check needs the caller; refusing to sign");
    }
    return new PolicyRequest(context.request(), context.signingRoot(), context.key(),
        context.caller().id(), context.caller().operator(), context.source(), clock.instant());
  }

  /**
   * The one mapping from the engine's decision to the API's (validator and EVM paths): a deny is returned
   * (412 with the rule), needing approval and an unavailable store are thrown (412 approval_required with
   * the id; 503); an allow's note names the policy version.
   */
  public PolicyDecision evaluate(PolicyRequest request) {
    return decision(decideFailingClosed(request, () -> engine.evaluate(request)));
  }

  private <T> T decideFailingClosed(PolicyRequest request, java.util.function.Supplier<T> engineCall) {
    try {
      return engineCall.get();
    } catch (PolicyUnavailableException e) {
      metrics.policyDecision("store_unavailable", "deny");
      throw new ApiException.Unavailable("policy database is unavailable; refusing to sign");
    } catch (RuntimeException e) {
      // a rule that cannot decide is a failure of ours: fail closed, never a 500 or a signature
      LOG.error("policy evaluation failed for {} with key {}: {}", request.typeName(), request.keyId(), e.toString());
      metrics.policyDecision("evaluation_failed", "deny");
      throw new ApiException.Unavailable("policy evaluation failed; refusing to sign");
    }
  }

  private PolicyDecision decision(Decision decision) {
    String version = "policy v" + decision.version();
    if (decision instanceof Decision.Deny deny) {
      metrics.policyDecision(deny.rule(), "deny");
      return new PolicyDecision.Deny(deny.rule(), deny.message() + " (" + version + ")");
    }
    if (decision instanceof Decision.NeedsApproval pending) {
      metrics.policyDecision(pending.rule(), "approval");
      throw new ApiException.ApprovalRequired(pending.approvalId(), pending.message() + " (" + version + ")");
    }
    metrics.policyDecision(decision.rule(), "allow");
    return new PolicyDecision.Allow(version);
  }
}
