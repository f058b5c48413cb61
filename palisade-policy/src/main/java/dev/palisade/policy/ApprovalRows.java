package dev.palisade.policy;

import dev.palisade.eth2.Bytes32;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Reading approvals and their votes. */
final class ApprovalRows {
  private ApprovalRows() {}

  static List<Approval> select(DataSource dataSource, String columns, String where, Object... parameters) {
    return Sql.transaction(dataSource, "read approvals", c -> {
      List<Approval> approvals = new ArrayList<>();
      try (PreparedStatement select = c.prepareStatement("select " + columns + " from policy_approval " + where)) {
        for (int i = 0; i < parameters.length; i++) {
          select.setObject(i + 1, parameters[i]);
        }
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            approvals.add(new Approval(rows.getString(1), rows.getString(2), rows.getString(3),
                rows.getString(4).trim(), rows.getString(5),
                rootOf(rows.getString(6)),
                rows.getInt(7), Approval.Status.valueOf(rows.getString(8)), rows.getString(9), rows.getLong(10),
                Instant.ofEpochMilli(rows.getLong(11)), Instant.ofEpochMilli(rows.getLong(12)), votes(c, rows.getString(1))));
          }
        }
      }
      return approvals;
    });
  }

  /** PostgreSQL pads the char(66) column: a pre-approval's {@code *} comes back with spaces. */
  private static Optional<Bytes32> rootOf(String stored) {
    String root = stored.trim();
    return ApprovalStore.ANY.equals(root) ? Optional.empty() : Optional.of(Bytes32.fromHex(root));
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
}
