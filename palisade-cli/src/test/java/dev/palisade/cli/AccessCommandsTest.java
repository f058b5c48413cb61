package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.AuditLog;
import dev.palisade.server.NodeStorage;
import dev.palisade.store.Database;
import dev.palisade.server.NodeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** palisade operator / identity / audit against the embedded database. */
class AccessCommandsTest {
  @TempDir Path temp;

  private record Outcome(int exitCode, String out, String err) {}

  private Outcome run(String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      List<String> all = new ArrayList<>(List.of(args));
      all.add("--data-path");
      all.add(temp.toString());
      int code = Main.execute(all.toArray(String[]::new), Map.of());
      return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  @Test
  void createListRevokeIdentities() {
    assertEquals(0, run("operator", "create", "ops").exitCode());
    Outcome created = run("identity", "create", "--name", "teku-1", "--type", "basic", "--operator", "ops", "--scopes", "validate");
    assertEquals(0, created.exitCode(), created.err());
    Matcher secret = Pattern.compile("Secret \\(shown once, stored only as a hash\\): (\\S+)").matcher(created.out());
    assertTrue(secret.find(), created.out());
    Outcome listed = run("identity", "list");
    assertTrue(listed.out().contains("teku-1") && listed.out().contains("active"), listed.out());
    assertFalse(listed.out().contains(secret.group(1)), "secrets are never listed");
    Outcome badScope = run("identity", "create", "--name", "x", "--type", "token", "--operator", "ops", "--scopes", "sign:all");
    assertEquals(1, badScope.exitCode());
    assertTrue(badScope.err().contains("sign:all"), badScope.err());
    assertEquals(0, run("identity", "revoke", "teku-1").exitCode());
    assertTrue(run("identity", "list").out().contains("revoked"));
    assertEquals(1, run("identity", "revoke", "teku-1").exitCode(), "already revoked");
  }

  @Test
  void auditVerifyDetectsADeletedAndAnAlteredRow() throws Exception {
    try (Database database = NodeStorage.open(NodeConfig.SlashingConfig.embedded(), temp)) {
      AuditLog log = AuditLog.open(database.dataSource(), database.dialect());
      for (int i = 0; i < 5; i++) {
        log.append(new AuditEntry(Instant.now(), "vc", "default", null, "ATTESTATION", null, (long) i,
            AuditDecision.SIGNED, "signed"));
      }
    }
    Outcome intact = run("audit", "verify");
    assertEquals(0, intact.exitCode(), intact.err());
    assertTrue(intact.out().contains("5 rows"), intact.out());
    assertTrue(run("audit", "tail", "-n", "3").out().lines().count() == 3);

    tamper("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 2");
    Outcome altered = run("audit", "verify");
    assertEquals(1, altered.exitCode());
    assertTrue(altered.err().contains("row 2"), altered.err());
  }

  @Test
  void auditVerifyDetectsADeletedRow() throws Exception {
    try (Database database = NodeStorage.open(NodeConfig.SlashingConfig.embedded(), temp)) {
      AuditLog log = AuditLog.open(database.dataSource(), database.dialect());
      for (int i = 0; i < 4; i++) {
        log.append(new AuditEntry(Instant.now(), "vc", "default", null, "BLOCK_V2", (long) i, null,
            AuditDecision.REFUSED, "block_double_proposal"));
      }
    }
    tamper("DELETE FROM audit_log WHERE seq = 3");
    Outcome deleted = run("audit", "verify");
    assertEquals(1, deleted.exitCode());
    assertTrue(deleted.err().contains("BROKEN"), deleted.err());
  }

  @Test
  void identitiesFirstThenSlashingOnAFreshDataPath() throws Exception {
    assertEquals(0, run("operator", "create", "ops").exitCode());
    Path interchange = java.nio.file.Files.writeString(temp.resolve("history.json"), """
        {"metadata":{"interchange_format_version":"5",
          "genesis_validators_root":"0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95"},
         "data":[{"pubkey":"0x%s","signed_blocks":[{"slot":"7"}],"signed_attestations":[]}]}
        """.formatted("b8".repeat(48)));
    Outcome imported = run("slashing", "import", "--from", interchange.toString());
    assertEquals(0, imported.exitCode(), "the slashing schema migrates beside the identity tables: " + imported.err());
  }

  private void tamper(String sql) throws Exception {
    try (Database database = NodeStorage.open(NodeConfig.SlashingConfig.embedded(), temp);
        Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      assertEquals(1, statement.executeUpdate(sql));
    }
  }
}
