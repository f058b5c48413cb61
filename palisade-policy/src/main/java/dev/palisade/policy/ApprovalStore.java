package dev.palisade.policy;

import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.Identity;
import dev.palisade.auth.OperatorId;
import dev.palisade.auth.Scope;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
    byte[] random = new byte[12];
    RANDOM.nextBytes(random);
    String id = "apr-" + HexFormat.of().formatHex(random);
    Instant now = request.time();
    Sql.transaction(dataSource, "create an approval", c -> {
      try (PreparedStatement insert = c.prepareStatement("insert into policy_approval (" + COLUMNS
          + ") values (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?)")) {
        insert.setString(1, id);
        insert.setString(2, request.operator().value());
        insert.setString(3, request.identity().value());
        insert.setString(4, request.key().toHex());
        insert.setString(5, request.typeName());
        insert.setString(6, request.signingRoot().toHex());
        insert.setInt(7, required);
        insert.setString(8, summary.length() > 500 ? summary.substring(0, 500) : summary);
        insert.setLong(9, policyVersion);
        insert.setLong(10, now.toEpochMilli());
        insert.setLong(11, now.plus(lifetime).toEpochMilli());
        return insert.executeUpdate();
      }
    });
    record(request.identity().value(), request.operator().value(), request.key(), "APPROVAL_REQUEST",
        "approval " + id + " requested: " + summary + " needs " + required + " approval(s) (policy v" + policyVersion + ")");
    return find(id).orElseThrow();
  }

  /** The granted, unexpired approval of this exact request by this requester, if any. */
  public Optional<Approval> findGranted(PolicyRequest request) {
    return findOpen(request).filter(approval -> approval.status() == Approval.Status.APPROVED);
  }

  private Optional<Approval> findOpen(PolicyRequest request) {
    List<Approval> found = select("where operator_id = ? and requester = ? and pubkey = ? and signing_root = ?"
        + " and status in ('PENDING', 'APPROVED') and expires_at_ms > ? order by created_at_ms desc",
        request.operator().value(), request.identity().value(), request.key().toHex(),
        request.signingRoot().toHex(), request.time().toEpochMilli());
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
    return Sql.transaction(dataSource, "read approvals", c -> {
      List<Approval> approvals = new ArrayList<>();
      try (PreparedStatement select = c.prepareStatement("select " + COLUMNS + " from policy_approval " + where)) {
        for (int i = 0; i < parameters.length; i++) {
          select.setObject(i + 1, parameters[i]);
        }
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            approvals.add(new Approval(rows.getString(1), rows.getString(2), rows.getString(3),
                BlsPublicKey.fromHex(rows.getString(4)), rows.getString(5), Bytes32.fromHex(rows.getString(6)),
                rows.getInt(7), Approval.Status.valueOf(rows.getString(8)), rows.getString(9), rows.getLong(10),
                Instant.ofEpochMilli(rows.getLong(11)), Instant.ofEpochMilli(rows.getLong(12)), votes(c, rows.getString(1))));
          }
        }
      }
      return approvals;
    });
  }

  private static List<Approval.Vote> votes(Connection c, String id) throws SQLException {
    List<Approval.Vote> votes = new ArrayList<>();
    try (PreparedStatement select = c.prepareStatement(
        "select approver, vote, at_ms from policy_approval_vote where approval_id = ? order by at_ms, approver")) {
      select.setString(1, id);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          votes.add(new Approval.Vote(rows.getString(1), rows.getString(2).equals("approve"), Instant.ofEpochMilli(rows.getLong(3))));
        }
      }
    }
    return votes;
  }

  private void record(String identity, String operator, BlsPublicKey key, String event, String detail) {
    audit.accept(new AuditEntry(clock.instant(), identity, operator, key, event, null, null, AuditDecision.CHANGED, detail));
  }
}
