package dev.palisade.server.signing;

import dev.palisade.server.http.ApiException;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.signing.SlashingSubject;
import dev.palisade.slashing.GenesisValidatorsRootMismatchException;
import dev.palisade.slashing.Rule;
import dev.palisade.slashing.SlashingProtection;
import dev.palisade.slashing.SlashingStoreUnavailableException;
import dev.palisade.slashing.Verdict;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * EIP-3076 anti-slashing: blocks and attestations are checked against, and recorded in, the
 * slashing history before they can be signed. Every other type passes.
 */
public final class SlashingPolicy implements SigningPolicy {
  private final SlashingProtection protection;
  private final Timer checkTimer;

  /** {@code checkTimer} measures each check-and-record, group-commit wait included. */
  public SlashingPolicy(SlashingProtection protection, Timer checkTimer) {
    this.protection = protection;
    this.checkTimer = checkTimer;
  }

  @Override
  public PolicyDecision evaluate(SigningContext context) {
    try {
      return evaluate(context, false).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw (RuntimeException) e.getCause();
    }
  }

  @Override
  public CompletableFuture<PolicyDecision> evaluateAsync(SigningContext context, Executor blocking) {
    return evaluate(context, true);
  }

  /** {@code async} false: the check waits for its commit, and the future is complete on return. */
  private CompletableFuture<PolicyDecision> evaluate(SigningContext context, boolean async) {
    var subject = context.request().slashingSubject();
    if (subject.isEmpty()) {
      return CompletableFuture.completedFuture(PolicyDecision.ALLOW);
    }
    var forkInfo = context.request().forkInfo();
    if (forkInfo.isEmpty()) {
      return CompletableFuture.failedFuture(new ApiException.BadRequest("fork_info", "fork_info is required"));
    }
    Bytes32 genesisValidatorsRoot = forkInfo.get().genesisValidatorsRoot();
    long started = System.nanoTime();
    CompletableFuture<Verdict> verdict;
    try {
      verdict = check(context, subject.get(), genesisValidatorsRoot, async);
    } catch (RuntimeException e) {
      verdict = CompletableFuture.failedFuture(e);
    }
    return verdict.handle((outcome, failure) -> {
      checkTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      return decision(outcome, failure);
    });
  }

  private CompletableFuture<Verdict> check(
      SigningContext context, SlashingSubject subject, Bytes32 genesisValidatorsRoot, boolean async) {
    if (subject instanceof SlashingSubject.Block block) {
      return async
          ? protection.checkAndRecordBlockAsync(context.key(), genesisValidatorsRoot, block.slot(), context.signingRoot())
          : CompletableFuture.completedFuture(protection.checkAndRecordBlock(
              context.key(), genesisValidatorsRoot, block.slot(), context.signingRoot()));
    }
    var attestation = (SlashingSubject.Attestation) subject;
    return async
        ? protection.checkAndRecordAttestationAsync(context.key(), genesisValidatorsRoot,
            attestation.sourceEpoch(), attestation.targetEpoch(), context.signingRoot())
        : CompletableFuture.completedFuture(protection.checkAndRecordAttestation(context.key(), genesisValidatorsRoot,
            attestation.sourceEpoch(), attestation.targetEpoch(), context.signingRoot()));
  }

  private static PolicyDecision decision(Verdict verdict, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof GenesisValidatorsRootMismatchException e) {
      return new PolicyDecision.Deny(Rule.GENESIS_VALIDATORS_ROOT_MISMATCH.code(), e.getMessage());
    } else if (cause instanceof SlashingStoreUnavailableException e) {
      throw new ApiException.Unavailable(
          "slashing protection database is unavailable; refusing to sign: " + e.getMessage());
    } else if (cause instanceof RuntimeException e) {
      throw e;
    } else if (cause instanceof Error e) {
      throw e;
    }
    return verdict instanceof Verdict.Refused refused
        ? new PolicyDecision.Deny(refused.ruleName(), refused.message())
        : PolicyDecision.ALLOW;
  }
}
