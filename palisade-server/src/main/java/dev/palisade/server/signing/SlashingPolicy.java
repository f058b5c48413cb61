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
    var subject = context.request().slashingSubject();
    if (subject.isEmpty()) {
      return PolicyDecision.ALLOW;
    }
    Bytes32 genesisValidatorsRoot =
        context
            .request()
            .forkInfo()
            .orElseThrow(() -> new ApiException.BadRequest("fork_info", "fork_info is required"))
            .genesisValidatorsRoot();
    long started = System.nanoTime();
    try {
      Verdict verdict;
      if (subject.get() instanceof SlashingSubject.Block block) {
        verdict =
            protection.checkAndRecordBlock(
                context.key(), genesisValidatorsRoot, block.slot(), context.signingRoot());
      } else {
        var attestation = (SlashingSubject.Attestation) subject.get();
        verdict =
            protection.checkAndRecordAttestation(
                context.key(),
                genesisValidatorsRoot,
                attestation.sourceEpoch(),
                attestation.targetEpoch(),
                context.signingRoot());
      }
      return verdict instanceof Verdict.Refused refused
          ? new PolicyDecision.Deny(refused.ruleName(), refused.message())
          : PolicyDecision.ALLOW;
    } catch (GenesisValidatorsRootMismatchException e) {
      return new PolicyDecision.Deny(Rule.GENESIS_VALIDATORS_ROOT_MISMATCH.code(), e.getMessage());
    } catch (SlashingStoreUnavailableException e) {
      throw new ApiException.Unavailable(
          "slashing protection database is unavailable; refusing to sign: " + e.getMessage());
    } finally {
      checkTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
  }
}
