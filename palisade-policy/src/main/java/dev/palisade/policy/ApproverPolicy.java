package dev.palisade.policy;

import dev.palisade.auth.OperatorId;
import dev.palisade.eth2.BlsPublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * What the policies in force ask of approvers: whether a vote on an approval of {@code signingType}
 * for {@code key}, asked for by {@code requester}, needs a TOTP code. The documents that could have
 * held it (operator, key, requester) are read now, so tightening a policy also binds pending votes.
 */
public final class ApproverPolicy {
  private final PolicyStore policies;
  private final ApprovalStore approvals;

  public ApproverPolicy(PolicyEngine engine) {
    this.policies = engine.policies();
    this.approvals = engine.approvals();
  }

  /**
   * Whether a vote on approval {@code id} by an identity of {@code voter} needs a code; false for an
   * approval that does not exist or is another operator's (the vote itself then answers "no approval").
   */
  public boolean totpRequiredToVote(OperatorId voter, String id) {
    return approvals.find(id).filter(approval -> approval.operator().equals(voter.value()))
        .map(this::totpRequired).orElse(false);
  }

  /** Whether a pre-approval of {@code signingType} with {@code key} (any requester) needs its grantor's code. */
  public boolean totpRequiredToGrant(OperatorId operator, BlsPublicKey key, String signingType) {
    return totpRequired(operator, key.toHex(), ApprovalStore.ANY, signingType);
  }

  public boolean totpRequired(Approval approval) {
    return totpRequired(OperatorId.of(approval.operator()), approval.key(), approval.requester(), approval.signingType());
  }

  /**
   * {@code keyId}: a BLS public key or an EVM address (0x hex). {@code requester} {@code *} (a
   * pre-approval): any requester, so only operator and key documents apply.
   */
  public boolean totpRequired(OperatorId operator, String keyId, String requester, String signingType) {
    PolicySnapshot snapshot = policies.current();
    List<PolicyTarget> targets = new ArrayList<>(List.of(new PolicyTarget(PolicyScope.OPERATOR, operator.value()),
        new PolicyTarget(PolicyScope.KEY, keyId)));
    if (!ApprovalStore.ANY.equals(requester)) {
      targets.add(new PolicyTarget(PolicyScope.IDENTITY, requester));
    }
    return targets.stream().flatMap(target -> snapshot.document(target).stream())
        .flatMap(document -> document.rules().stream())
        .anyMatch(rule -> rule instanceof ApprovalRule approval && approval.totpRequired()
            && approval.signingType().equals(signingType));
  }
}
