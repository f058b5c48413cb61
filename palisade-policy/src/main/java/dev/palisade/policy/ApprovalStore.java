package dev.palisade.policy;

import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.Identity;
import dev.palisade.auth.OperatorId;
import dev.palisade.auth.Scope;
import dev.palisade.eth2.BlsPublicKey;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Approvals in the shared database, and the one place that decides who may approve: an identity
 * with the {@code approve} scope, of the approval's operator, not its requester, once, before it
 * expires. Every step is written to the audit sink before it returns.
 */
public final class ApprovalStore {
  private static final String COLUMNS = "approval_id, operator_id, requester, pubkey, signing_type, signing_root,"
      + " required, status, summary, policy_version, created_at_ms, expires_at_ms";
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Requester and signing root of a pre-approval: any requester (not an approver), any message of the type. */
  static final String ANY = "*";
  private static final Duration MAX_AHEAD = Duration.ofDays(90);

  private final DataSource dataSource;
  private final Clock clock;
  private final Consumer<AuditEntry> audit;

  public ApprovalStore(DataSource dataSource, Clock clock, Consumer<AuditEntry> audit) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.audit = audit;
  }

  /** The open approval of this exact request (pending or granted, unexpired), or a new pending one. */
  public Approval request(PolicyRequest request, int required, Duration lifetime, String summary, long policyVersion) {
    Optional<Approval> open = findOpen(request);
    if (open.isPresent()) {
      return open.get();
    }
    String id = newId();
    Instant now = request.time();
    Sql.transaction(dataSource, "create an approval", c -> {
      try (PreparedStatement insert = c.prepareStatement("insert into policy_approval (" + COLUMNS
          + ") values (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?)")) {
        insert.setString(1, id);
        insert.setString(2, request.operator().value());
        insert.setString(3, request.identity().value());
        insert.setString(4, request.keyId());
        insert.setString(5, request.typeName());
        insert.setString(6, request.subject().digestHex());
        insert.setInt(7, required);
        insert.setString(8, summary.length() > 500 ? summary.substring(0, 500) : summary);
        insert.setLong(9, policyVersion);
        insert.setLong(10, now.toEpochMilli());
        insert.setLong(11, now.plus(lifetime).toEpochMilli());
        return insert.executeUpdate();
      }
    });
    record(request.identity().value(), request.operator().value(), request.keyId(), "APPROVAL_REQUEST",
        "approval " + id + " requested: " + summary + " needs " + required + " approval(s) (policy v" + policyVersion + ")");
    return find(id).orElseThrow();
  }

  /**
   * The granted, unexpired approval of this exact request by this requester; else a granted
   * pre-approval of this type for this key that the requester did not vote on itself.
   */
  public Optional<Approval> findGranted(PolicyRequest request) {
    // by status, not "the newest open one": two racing identical requests may each have opened one
    Optional<Approval> exact = select("where operator_id = ? and requester = ? and pubkey = ? and signing_root = ?"
        + " and status = 'APPROVED' and expires_at_ms > ? order by created_at_ms",
        request.operator().value(), request.identity().value(), request.keyId(),
        request.subject().digestHex(), request.time().toEpochMilli()).stream().findFirst();
    if (exact.isPresent()) {
      return exact;
    }
    return select("where operator_id = ? and requester = '" + ANY + "' and pubkey = ? and signing_type = ?"
        + " and status = 'APPROVED' and expires_at_ms > ? order by created_at_ms",
        request.operator().value(), request.keyId(), request.typeName(), request.time().toEpochMilli())
        .stream()
        .filter(approval -> approval.votes().stream().noneMatch(vote -> vote.approver().equals(request.identity().value())))
        .findFirst();
  }

  /**
   * A pre-approval: {@code approver} grants ahead one {@code signingType} signature with {@code key}
   * (whose ownership by the approver's operator the caller has checked), by any identity of the
   * operator that is not among its approvers, until {@code validUntil}. Its creator's vote is the first.
   */
  public Approval grantAhead(Identity approver, BlsPublicKey key, String signingType, int required, Instant validUntil) {
    Instant now = clock.instant();
    if (!approver.scopes().grants(Scope.APPROVE)) {
      throw new ApprovalException(ApprovalException.Kind.FORBIDDEN, "missing scope " + Scope.APPROVE.wireName());
    }
    if (!validUntil.isAfter(now) || validUntil.isAfter(now.plus(MAX_AHEAD))) {
      throw new ApprovalException(ApprovalException.Kind.CONFLICT, "valid_until must be within the next " + MAX_AHEAD.toDays() + " days");
    }
    if (required < 1 || required > 16) {
      throw new ApprovalException(ApprovalException.Kind.CONFLICT, "approvals must be between 1 and 16");
    }
    String id = newId();
    String summary = "pre-approval of one " + signingType + " with key " + key.toHex() + " until " + validUntil;
    Sql.transaction(dataSource, "create a pre-approval", c -> {
      try (PreparedStatement insert = c.prepareStatement("insert into policy_approval (" + COLUMNS
          + ") values (?, ?, '" + ANY + "', ?, ?, '" + ANY + "', ?, 'PENDING', ?, 0, ?, ?)")) {
        insert.setString(1, id);
        insert.setString(2, approver.operator().value());
        insert.setString(3, key.toHex());
        insert.setString(4, signingType);
        insert.setInt(5, required);
        insert.setString(6, summary);
        insert.setLong(7, now.toEpochMilli());
        insert.setLong(8, validUntil.toEpochMilli());
        return insert.executeUpdate();
      }
    });
    record(approver.id().value(), approver.operator().value(), key.toHex(), "APPROVAL_GRANT_AHEAD", "approval " + id + ": " + summary);
    return vote(approver, id, true);
  }

  private static String newId() {
    byte[] random = new byte[12];
    RANDOM.nextBytes(random);
    return "apr-" + HexFormat.of().formatHex(random);
  }

  private Optional<Approval> findOpen(PolicyRequest request) {
    List<Approval> found = select("where operator_id = ? and requester = ? and pubkey = ? and signing_root = ?"
        + " and status in ('PENDING', 'APPROVED') and expires_at_ms > ? order by created_at_ms desc",
        request.operator().value(), request.identity().value(), request.keyId(),
        request.subject().digestHex(), request.time().toEpochMilli());
    return found.stream().findFirst();
  }

  /** Uses a granted approval up; true for exactly one caller even across instances. */
  public boolean consume(Approval approval, PolicyRequest request) {
    int updated = Sql.transaction(dataSource, "consume an approval", c -> {
      try (PreparedStatement update = c.prepareStatement("update policy_approval set status = 'CONSUMED', closed_at_ms = ?"
          + " where approval_id = ? and status = 'APPROVED' and expires_at_ms > ?")) {
        update.setLong(1, request.time().toEpochMilli());
        update.setString(2, approval.id());
        update.setLong(3, request.time().toEpochMilli());
        return update.executeUpdate();
      }
    });
    if (updated == 1) {
      record(request.identity().value(), approval.operator(), approval.key(), "APPROVAL_CONSUMED",
          "approval " + approval.id() + " consumed: " + approval.summary());
    }
    return updated == 1;
  }

  /**
   * Records {@code approver}'s vote. Another operator's approval is {@link ApprovalException.Kind#NOT_FOUND},
   * exactly like one that does not exist (the root operator sees every operator's).
   */
  public Approval vote(Identity approver, String id, boolean approve) {
    if (!approver.scopes().grants(Scope.APPROVE)) {
      throw new ApprovalException(ApprovalException.Kind.FORBIDDEN, "missing scope " + Scope.APPROVE.wireName());
    }
    Approval approval = find(id)
        .filter(a -> a.operator().equals(approver.operator().value()))
        .orElseThrow(() -> new ApprovalException(ApprovalException.Kind.NOT_FOUND, "no approval " + Names.printable(id)));
    Instant now = clock.instant();
    if (approval.requester().equals(approver.id().value())) {
      throw new ApprovalException(ApprovalException.Kind.FORBIDDEN, "the requester cannot approve its own request");
    }
    if (approval.status() != Approval.Status.PENDING || !now.isBefore(approval.expiresAt())) {
      throw new ApprovalException(ApprovalException.Kind.CONFLICT, "approval " + id + " is " + approval.displayStatus(now));
    }
    String event = approve ? "APPROVAL_APPROVE" : "APPROVAL_DENY";
    boolean changed = Sql.transaction(dataSource, "record a vote", c -> {
      try (PreparedStatement insert = c.prepareStatement(
          "insert into policy_approval_vote (approval_id, approver, vote, at_ms) values (?, ?, ?, ?)")) {
        insert.setString(1, id);
        insert.setString(2, approver.id().value());
        insert.setString(3, approve ? "approve" : "deny");
        insert.setLong(4, now.toEpochMilli());
        insert.executeUpdate();
      } catch (SQLException e) {
        if (Sql.isUniqueViolation(e)) {
          throw new ApprovalException(ApprovalException.Kind.CONFLICT, approver.id() + " has already voted on " + id);
        }
        throw e;
      }
      return closeIfDecided(c, approval, approve, now);
    });
    record(approver.id().value(), approval.operator(), approval.key(), event,
        "approval " + id + (approve ? " approved" : " denied") + " by " + approver.id() + ": " + approval.summary());
    Approval after = find(id).orElseThrow();
    if (changed) {
      record(approver.id().value(), approval.operator(), approval.key(), "APPROVAL_" + after.status().name(),
          "approval " + id + " is now " + after.status().name().toLowerCase(java.util.Locale.ROOT)
              + " (" + after.approvals() + " of " + after.required() + ")");
    }
    return after;
  }

  /** One deny closes the approval; the required number of approvals grants it. */
  private static boolean closeIfDecided(Connection c, Approval approval, boolean approve, Instant now) throws SQLException {
    long approvals;
    try (PreparedStatement count = c.prepareStatement(
        "select count(*) from policy_approval_vote where approval_id = ? and vote = 'approve'")) {
      count.setString(1, approval.id());
      try (ResultSet row = count.executeQuery()) {
        row.next();
        approvals = row.getLong(1);
      }
    }
    String status = !approve ? "DENIED" : approvals >= approval.required() ? "APPROVED" : null;
    if (status == null) {
      return false;
    }
    try (PreparedStatement update = c.prepareStatement("update policy_approval set status = ?, closed_at_ms = ?"
        + " where approval_id = ? and status = 'PENDING'")) {
      update.setString(1, status);
      update.setLong(2, now.toEpochMilli());
      update.setString(3, approval.id());
      return update.executeUpdate() == 1;
    }
  }

  public Optional<Approval> find(String id) {
    return select("where approval_id = ?", id).stream().findFirst();
  }

  /** Visible to {@code caller}'s operator (every operator's for the root operator), newest first. */
  public List<Approval> list(OperatorId operator, boolean openOnly) {
    String where = (operator.equals(OperatorId.ROOT) ? "where 1 = 1" : "where operator_id = ?")
        + (openOnly ? " and status in ('PENDING', 'APPROVED') and expires_at_ms > " + clock.millis() : "")
        + " order by created_at_ms desc";
    return operator.equals(OperatorId.ROOT) ? select(where) : select(where, operator.value());
  }

  public long pendingCount() {
    return Sql.transaction(dataSource, "count approvals", c -> {
      try (PreparedStatement count = c.prepareStatement(
          "select count(*) from policy_approval where status = 'PENDING' and expires_at_ms > ?")) {
        count.setLong(1, clock.millis());
        try (ResultSet row = count.executeQuery()) {
          row.next();
          return row.getLong(1);
        }
      }
    });
  }

  private List<Approval> select(String where, Object... parameters) {
    return ApprovalRows.select(dataSource, COLUMNS, where, parameters);
  }

  /** {@code key}: a BLS public key goes in the row's key column; an EVM address (no such column) in the detail. */
  private void record(String identity, String operator, String key, String event, String detail) {
    boolean bls = key.length() == 98;
    audit.accept(new AuditEntry(clock.instant(), identity, operator, bls ? BlsPublicKey.fromHex(key) : null, event, null,
        null, AuditDecision.CHANGED, bls ? detail : detail + " (account " + key + ")"));
  }
}
