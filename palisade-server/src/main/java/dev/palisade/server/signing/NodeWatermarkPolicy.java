package dev.palisade.server.signing;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.vault.VaultRefusedException;
import dev.palisade.vault.watermark.Watermark;
import dev.palisade.vault.watermark.WatermarkPolicy;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Defence in depth behind {@link SlashingPolicy}: an in-memory per-key high watermark of what this
 * process has approved (highest block slot with its root; highest attestation source and target).
 * A database that lost history (a restored backup, a promoted standby missing the last commits, a
 * replaced file) may allow a message at or below it; this policy refuses it with rule {@value
 * #RULE}. Identical re-signs (same slot or target, same signing root) pass, as in the database.
 *
 * <p>Evaluate it after {@link SlashingPolicy}: it then only advances for messages the database has
 * already recorded. Check and update happen atomically per key (the map's per-key compute lock), so
 * two racing requests can never both pass with conflicting content. The watermark moves before the
 * vault signs, like the database record: a failed signature leaves it conservative, never behind.
 */
public final class NodeWatermarkPolicy implements SigningPolicy {
  public static final String RULE = "node_watermark";

  private final ConcurrentHashMap<BlsPublicKey, Watermark> watermarks = new ConcurrentHashMap<>();

  @Override
  public PolicyDecision evaluate(SigningContext context) {
    var subject = context.request().slashingSubject();
    if (subject.isEmpty()) {
      return PolicyDecision.ALLOW;
    }
    try {
      watermarks.compute(
          context.key(),
          (key, current) ->
              WatermarkPolicy.next(key, current == null ? Watermark.NONE : current, subject.get(), context.signingRoot()));
      return PolicyDecision.ALLOW;
    } catch (VaultRefusedException e) {
      // compute() left the watermark unchanged
      return new PolicyDecision.Deny(
          RULE,
          "this node already signed at or beyond this message for " + context.key() + " ("
              + e.rule().name().toLowerCase(java.util.Locale.ROOT) + "); the slashing database allowed it,"
              + " so its history may have been lost or rolled back");
    }
  }
}
