package dev.palisade.slashing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import java.sql.SQLWarning;
import org.junit.jupiter.api.Test;

/**
 * A commit whose wait for the synchronous standby was cancelled comes back as success plus a
 * WARNING; it must fail the check instead (real server: palisade-server's SynchronousStandbyLossTest).
 */
class SyncCommitWarningTest {
  @Test
  void aCancelledSynchronousReplicationWaitIsAFailureThatIsNotRetried() {
    SQLWarning cancelled = new SQLWarning("canceling wait for synchronous replication due to user request", "01000");
    SQLException e = assertThrows(SQLException.class, () -> PostgresStore.requireConfirmedCommit(null, cancelled));
    assertEquals(PostgresStore.SYNC_NOT_CONFIRMED, e.getSQLState());
    // translated server messages still carry the WARNING state
    assertThrows(SQLException.class, () -> PostgresStore.requireConfirmedCommit(new SQLWarning("Warten abgebrochen", "01000")));
    SQLWarning chained = new SQLWarning("notice", "00000");
    chained.setNextWarning(cancelled);
    assertThrows(SQLException.class, () -> PostgresStore.requireConfirmedCommit(chained));
  }

  @Test
  void noticesAndNoWarningsPass() {
    assertDoesNotThrow(() -> PostgresStore.requireConfirmedCommit(null, null));
    assertDoesNotThrow(() -> PostgresStore.requireConfirmedCommit(new SQLWarning("relation already exists, skipping", "00000")));
  }
}
