package dev.palisade.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.SigningScopes;
import dev.palisade.eth2.signing.RandaoRevealRequest;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.eth2.signing.SlashingSubject;
import dev.palisade.eth2.signing.VoluntaryExitRequest;
import dev.palisade.policy.Fields;
import dev.palisade.policy.InvalidPolicyException;
import dev.palisade.policy.Rule;
import dev.palisade.policy.RuleOutcome;
import dev.palisade.policy.RuleType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code rate_limits}: a list of {@code {type, max, per: epoch}} (at most {@code max} per key and
 * message epoch) or {@code {type, max, window: PT1H}} (at most {@code max} per key in each fixed
 * window of wall-clock time). Counted in the shared database, so every instance sees one count.
 */
public final class RateLimits implements RuleType {
  public static final String RULE = "rate_limit";
  private static final long SLOTS_PER_EPOCH = 32;
  private static final Set<String> WITH_EPOCH = Set.of("RANDAO_REVEAL", "VOLUNTARY_EXIT", "ATTESTATION", "BLOCK", "BLOCK_V2");

  @Override
  public String name() {
    return "rate_limits";
  }

  @Override
  public List<Rule> parse(JsonNode section, String path) {
    if (!section.isArray()) {
      throw new InvalidPolicyException(path, path + " must be a list");
    }
    List<Rule> rules = new ArrayList<>();
    int index = 0;
    for (JsonNode limit : section) {
      String at = path + "[" + index++ + "]";
      Fields.onlyKnown(limit, at, Set.of("type", "max", "per", "window"));
      String type = Fields.text(limit, "type", at).orElseThrow(() -> new InvalidPolicyException(at + ".type", at + ".type is required"));
      if (SigningScopes.requiredFor(type).isEmpty()) {
        throw new InvalidPolicyException(at + ".type", at + ".type must be a Web3Signer signing type such as RANDAO_REVEAL");
      }
      long max = Fields.unsigned(limit, "max", at).orElseThrow(() -> new InvalidPolicyException(at + ".max", at + ".max is required"));
      if (max < 1) {
        throw new InvalidPolicyException(at + ".max", at + ".max must be at least 1 (to forbid a type, use a deny rule)");
      }
      boolean perEpoch = Fields.text(limit, "per", at).map(per -> {
        if (!per.equals("epoch")) {
          throw new InvalidPolicyException(at + ".per", at + ".per must be 'epoch'");
        }
        return true;
      }).orElse(false);
      Duration window = Fields.duration(limit, "window", at).orElse(null);
      if (window != null && window.compareTo(Fields.MAX_WINDOW) > 0) {
        throw new InvalidPolicyException(at + ".window", at + ".window is at most " + Fields.MAX_WINDOW.toDays() + " days");
      }
      if (perEpoch == (window != null)) {
        throw new InvalidPolicyException(at, at + " needs exactly one of per: epoch or window: <ISO-8601 duration>");
      }
      if (perEpoch && !WITH_EPOCH.contains(type)) {
        throw new InvalidPolicyException(at + ".per", at + ".per: epoch needs a type that carries an epoch: " + new java.util.TreeSet<>(WITH_EPOCH));
      }
      String counter = "rate:" + type + (perEpoch ? ":epoch" : ":" + window);
      long windowMillis = perEpoch ? 0 : window.toMillis();
      rules.add(request -> {
        if (!request.typeName().equals(type)) {
          return RuleOutcome.PASS;
        }
        String windowId = perEpoch
            ? Long.toUnsignedString(epochOf(request.message()).orElseThrow())
            : Long.toString(Math.floorDiv(request.time().toEpochMilli(), windowMillis));
        return new RuleOutcome.Count(RULE, request.keyId(), counter, new RuleOutcome.Window.Fixed(windowId), 1, max,
            "at most " + max + " " + type + " per key " + (perEpoch ? "per epoch" : "per " + window));
      });
    }
    return rules;
  }

  static OptionalLong epochOf(SigningRequest message) {
    if (message instanceof RandaoRevealRequest randao) {
      return OptionalLong.of(randao.epoch());
    }
    if (message instanceof VoluntaryExitRequest exit) {
      return OptionalLong.of(exit.voluntaryExit().epoch());
    }
    return message.slashingSubject().map(subject -> subject instanceof SlashingSubject.Block block
        ? OptionalLong.of(Long.divideUnsigned(block.slot(), SLOTS_PER_EPOCH))
        : OptionalLong.of(((SlashingSubject.Attestation) subject).targetEpoch())).orElse(OptionalLong.empty());
  }
}
