package dev.palisade.policy;

import dev.palisade.eth2.Bytes32;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A request waiting for (or holding) other identities' approval. It admits exactly one signature:
 * {@code key} (a BLS public key or an EVM address, 0x hex) over {@code signingRoot} (or the EVM
 * digest), asked for by {@code requester}, before {@code expiresAt}. A
 * pre-approval has requester {@code *} (any identity not among its approvers) and no signing root
 * (any message of {@code signingType}).
 */
public record Approval(
    String id,
    String operator,
    String requester,
    String key,
    String signingType,
    Optional<Bytes32> signingRoot,
    int required,
    Status status,
    String summary,
    long policyVersion,
    Instant createdAt,
    Instant expiresAt,
    List<Vote> votes) {

  public Approval {
    votes = List.copyOf(votes);
  }

  public enum Status { PENDING, APPROVED, DENIED, CONSUMED }

  public record Vote(String approver, boolean approve, Instant at) {}

  public boolean isPreApproval() {
    return signingRoot.isEmpty();
  }

  public long approvals() {
    return votes.stream().filter(Vote::approve).count();
  }

  /** The status as a person should read it: an unused approval past its lifetime is expired. */
  public String displayStatus(Instant now) {
    boolean open = status == Status.PENDING || status == Status.APPROVED;
    return open && !now.isBefore(expiresAt) ? "expired" : status.name().toLowerCase(java.util.Locale.ROOT);
  }
}
