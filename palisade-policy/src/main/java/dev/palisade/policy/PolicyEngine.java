package dev.palisade.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates a request against the documents attached to its operator, its key and its identity.
 * Order: every stateless rule (any deny wins) → features off by default must have been enabled →
 * approval (a granted one is checked, an absent one is requested) → shared counters (recorded only
 * now, so a denied request consumes no quota) → the approval is consumed. Where two documents limit
 * the same counter, the lowest limit applies.
 */
public final class PolicyEngine {
  private final PolicyStore policies;
  private final CounterStore counters;
  private final ApprovalStore approvals;

  public PolicyEngine(PolicyStore policies, CounterStore counters, ApprovalStore approvals) {
    this.policies = policies;
    this.counters = counters;
    this.approvals = approvals;
  }

  public PolicyStore policies() {
    return policies;
  }

  public ApprovalStore approvals() {
    return approvals;
  }

  /** Decides and records: counters are raised, approvals requested and consumed. */
  public Decision evaluate(PolicyRequest request) {
    return decide(request, false);
  }

  /** Decides without recording anything: counters are read, no approval is created or used. */
  public Decision dryRun(PolicyRequest request) {
    return decide(request, true);
  }

  /**
   * As {@link #evaluate}, when deciding needs no database: the cached policy set is fresh and no rule that applies
   * counts or asks for approval (the default: no document at all). Empty otherwise, and nothing is recorded; the
   * caller then calls {@link #evaluate} where it may wait. For callers that must not block (event loops).
   */
  public Optional<Decision> evaluateInMemory(PolicyRequest request) {
    Optional<PolicySnapshot> snapshot = policies.cached();
    if (snapshot.isEmpty()) {
      return Optional.empty();
    }
    Checked checked = check(request, snapshot.get());
    if (checked.decided() != null) {
      return Optional.of(checked.decided());
    }
    return checked.needed().isEmpty() && checked.counts().isEmpty()
        ? Optional.of(new Decision.Allow(checked.version(), "none"))
        : Optional.empty();
  }

  /** What the stateless rules say: a decision already ({@code decided}), or what approvals and counters must add. */
  private record Checked(
      Decision decided, List<RuleOutcome.NeedsApproval> needed, Map<String, RuleOutcome.Count> counts, long version) {}

  private Checked check(PolicyRequest request, PolicySnapshot snapshot) {
    long version = snapshot.version();
    List<RuleOutcome.NeedsApproval> needed = new ArrayList<>();
    Map<String, RuleOutcome.Count> counts = new LinkedHashMap<>();
    Set<String> enabled = new HashSet<>();
    // no document anywhere (the default): nothing to look up for this request's three targets
    for (PolicyTarget target : snapshot.documents().isEmpty() ? List.<PolicyTarget>of() : targets(request)) {
      Optional<PolicyDocument> document = snapshot.document(target);
      if (document.isEmpty()) {
        continue;
      }
      for (Rule rule : document.get().rules()) {
        RuleOutcome outcome = rule.check(request);
        if (outcome instanceof RuleOutcome.Deny deny) {
          return new Checked(new Decision.Deny(deny.rule(), deny.message() + " (" + target + ")", version), null, null,
              version);
        } else if (outcome instanceof RuleOutcome.NeedsApproval approval) {
          needed.add(approval);
        } else if (outcome instanceof RuleOutcome.Enable enable) {
          enabled.addAll(enable.features());
        } else if (outcome instanceof RuleOutcome.Count count) {
          counts.merge(count.subject() + '\0' + count.counter() + '\0' + count.window().key(), count,
              (a, b) -> a.max() <= b.max() ? a : b);
        }
      }
    }
    for (OptIn optIn : request.subject().optIns()) {
      if (!enabled.contains(optIn.feature())) {
        return new Checked(new Decision.Deny(optIn.rule(), optIn.message(), version), null, null, version);
      }
    }
    return new Checked(null, needed, counts, version);
  }

  private Decision decide(PolicyRequest request, boolean dryRun) {
    Checked checked = check(request, policies.current());
    if (checked.decided() != null) {
      return checked.decided();
    }
    long version = checked.version();
    List<RuleOutcome.NeedsApproval> needed = checked.needed();
    Map<String, RuleOutcome.Count> counts = checked.counts();
    Optional<Approval> granted = Optional.empty();
    if (!needed.isEmpty()) {
      int required = needed.stream().mapToInt(RuleOutcome.NeedsApproval::count).max().orElseThrow();
      Duration lifetime = needed.stream().map(RuleOutcome.NeedsApproval::lifetime).min(Duration::compareTo).orElseThrow();
      String what = needed.get(0).what();
      granted = approvals.findGranted(request).filter(a -> a.approvals() >= required);
      if (granted.isEmpty()) {
        String message = what + " needs " + required + " approval(s) by other identities with the approve scope";
        if (dryRun) {
          return new Decision.NeedsApproval("", required, message, version);
        }
        Approval approval = approvals.request(request, required, lifetime, what, version);
        return new Decision.NeedsApproval(approval.id(), required, message + "; approval id " + approval.id(), version);
      }
    }
    Optional<RuleOutcome.Count> over = dryRun
        ? counts.values().stream()
            .filter(count -> counters.total(count.subject(), count.counter(), count.window()) + count.amount() > count.max())
            .findFirst()
        : counters.tryAddAll(List.copyOf(counts.values()));
    if (over.isPresent()) {
      return new Decision.Deny(over.get().rule(), over.get().message() + ": limit reached", version);
    }
    if (granted.isPresent() && !dryRun && !approvals.consume(granted.get(), request)) {
      return new Decision.Deny(Decision.APPROVAL_REQUIRED, "approval " + granted.get().id() + " was used by another request", version);
    }
    String rule = granted.isPresent() ? "approved" : counts.isEmpty() ? "none" : "within_limit";
    return new Decision.Allow(version, rule);
  }

  private static List<PolicyTarget> targets(PolicyRequest request) {
    return List.of(
        new PolicyTarget(PolicyScope.OPERATOR, request.operator().value()),
        new PolicyTarget(PolicyScope.KEY, request.keyId()),
        new PolicyTarget(PolicyScope.IDENTITY, request.identity().value()));
  }
}
