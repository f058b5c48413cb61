package dev.palisade.slashing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.slashing.ReplicationSafety.Level;
import dev.palisade.slashing.ReplicationSafety.Standby;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The classification from the settings; the real primary/standby pair is exercised end to end by
 * palisade-server's PostgresFailoverTest.
 */
class ReplicationSafetyTest {
  private static final Standby SYNC = new Standby("s1", "streaming", "sync");
  private static final Standby QUORUM = new Standby("s1", "streaming", "quorum");
  private static final Standby ASYNC = new Standby("s2", "streaming", "async");
  private static final Standby POTENTIAL = new Standby("s3", "streaming", "potential");
  private static final Standby CATCHING_UP = new Standby("s4", "catchup", "sync");
  private static final Standby HIDDEN = new Standby("s5", null, null);

  @Test
  void synchronousNeedsNamesAWaitingCommitAndAStreamingSyncStandby() {
    for (String commit : List.of("on", "remote_write", "remote_apply")) {
      assertEquals(Level.SYNCHRONOUS, level(commit, "*", SYNC), commit);
    }
    assertEquals(Level.SYNCHRONOUS, level("on", "ANY 1 (s1, s2)", QUORUM, ASYNC));
    assertEquals(1, ReplicationSafety.classify("on", "*", false, List.of(SYNC, ASYNC)).synchronousStandbys());
  }

  @Test
  void standbysThatDoNotHoldEveryCommitAreAsync() {
    assertEquals(Level.ASYNC_REPLICAS, level("on", "", ASYNC));
    assertEquals(Level.ASYNC_REPLICAS, level("local", "*", SYNC));
    assertEquals(Level.ASYNC_REPLICAS, level("off", "*", SYNC));
    assertEquals(Level.ASYNC_REPLICAS, level("on", "s3", POTENTIAL));
    assertEquals(Level.ASYNC_REPLICAS, level("on", "*", CATCHING_UP));
    assertTrue(ReplicationSafety.classify("on", "", false, List.of(ASYNC)).detail().contains("synchronous_standby_names is empty"));
  }

  @Test
  void noStandbyIsStandaloneEvenWhenOneIsConfigured() {
    assertEquals(Level.STANDALONE, level("on", ""));
    assertEquals(Level.STANDALONE, level("on", "*"));
    assertTrue(ReplicationSafety.classify("on", "*", false, List.of()).detail().contains("none connected"));
  }

  @Test
  void invisibleStandbysOrAStandbyConnectionAreUnknown() {
    assertEquals(Level.UNKNOWN, level("on", "*", HIDDEN));
    assertEquals(Level.UNKNOWN, ReplicationSafety.classify("on", "*", true, List.of()).level());
  }

  @Test
  void aRealServerWithoutStandbysIsStandaloneAndSqliteHasNoAnswer(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    try (SlashingProtection postgres = SlashingProtections.postgres(SharedPostgres.newDatabase(), "postgres", "postgres")) {
      ReplicationSafety.Status status = postgres.replication().orElseThrow();
      assertEquals(Level.STANDALONE, status.level(), status.detail());
      assertEquals(List.of(), status.standbys());
    }
    try (SlashingProtection sqlite = SlashingProtections.sqlite(dir)) {
      assertTrue(sqlite.replication().isEmpty());
    }
  }

  @Test
  void aFailingConnectionIsUnknownNotAnException() throws Exception {
    java.sql.Connection closed = SharedPostgres.instance().getPostgresDatabase().getConnection();
    closed.close();
    assertEquals(Level.UNKNOWN, ReplicationSafety.assess(closed).level());
  }

  private static Level level(String commit, String names, Standby... standbys) {
    return ReplicationSafety.classify(commit, names, false, List.of(standbys)).level();
  }
}
