package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.AuditLog;
import dev.palisade.auth.AuditRecord;
import dev.palisade.store.DatabaseConfig;
import dev.palisade.store.Dialect;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * Unauthenticated refusals are counted, not written one row each; exits and deposits are audited
 * durably before their answer, so an audit log that cannot be written means 503 and no signature.
 */
class AuditDurabilityHttpTest {
  private static final Pattern COUNT = Pattern.compile("unauthenticated x(\\d+) ");

  @TempDir Path temp;

  @Test
  void unauthenticatedRefusalsAreAggregatedPerSourceAndMinute() throws Exception {
    Path data = temp.resolve("closed");
    NodeConfig noIdentities =
        new NodeConfig(new ServerConfig("127.0.0.1", 0, 64 * 1024, 4), Networks.named("mainnet"), data,
            NodeConfig.SlashingConfig.embedded(), Optional.empty(), new NodeConfig.AccessConfig(Optional.empty(), false));
    int requests = 2_000;
    try (PalisadeNode node = PalisadeNode.start(noIdentities)) {
      HttpTestClient client = new HttpTestClient(node.port());
      for (int i = 0; i < requests; i++) {
        HttpResponse<String> response = client.sign(SigningApiTest.PUBKEY, "{}", "application/json");
        assertEquals(401, response.statusCode(), response.body());
      }
    } // closing flushes the open minute
    List<AuditRecord> rows = auditLog(data).tail(100_000);
    long total = 0;
    int unauthenticatedRows = 0;
    for (AuditRecord row : rows) {
      if (row.entry().reason().startsWith("unauthenticated")) {
        Matcher m = COUNT.matcher(row.entry().reason());
        assertTrue(m.find(), "no count in: " + row.entry().reason());
        assertTrue(row.entry().reason().contains("127.0.0.1"), row.entry().reason());
        total += Long.parseLong(m.group(1));
        unauthenticatedRows++;
      }
    }
    System.out.printf("%d unauthenticated requests -> %d audit rows%n", requests, unauthenticatedRows);
    assertTrue(unauthenticatedRows >= 1 && unauthenticatedRows <= 5, unauthenticatedRows + " rows for " + requests + " refusals");
    assertEquals(requests, total);
    assertTrue(auditLog(data).verify().isIntact(), "the chain stays intact");
  }

  @Test
  void voluntaryExitWhoseAuditAppendFailsIs503WithoutASignature() throws Exception {
    Path data = temp.resolve("open");
    try (PalisadeNode node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), data))) {
      node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      HttpTestClient client = HttpTestClient.everySigningScope(node); // exits and deposits need their scopes
      // the "disk" refuses every audit row from now on
      sql(data, "CREATE TRIGGER full_disk BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
      for (String body : List.of(exit(5), deposit())) {
        HttpResponse<String> refused = client.sign(SigningApiTest.PUBKEY, body, "application/json");
        assertEquals(503, refused.statusCode(), refused.body());
        assertFalse(refused.body().contains("signature"), refused.body());
      }
      sql(data, "DROP TRIGGER full_disk");
      HttpResponse<String> signed = client.sign(SigningApiTest.PUBKEY, exit(6), "application/json");
      assertEquals(200, signed.statusCode(), signed.body());
      HttpResponse<String> deposit = client.sign(SigningApiTest.PUBKEY, deposit(), "application/json");
      assertEquals(200, deposit.statusCode(), "the deposit above was refused for its audit row only: " + deposit.body());
      // durable means written before the answer: the row is there at once, no batch to wait for
      List<AuditRecord> tail = node.auditLog().tail(5);
      assertTrue(tail.stream().anyMatch(r -> "VOLUNTARY_EXIT".equals(r.entry().signingType())
          && r.entry().reason().equals("signed")), tail.toString());
    }
  }

  private static String exit(int epoch) {
    return """
        {"type":"VOLUNTARY_EXIT","fork_info":{"fork":{"previous_version":"0x00000000","current_version":"0x00000000","epoch":"0"},
         "genesis_validators_root":"%s"},"voluntary_exit":{"epoch":"%d","validator_index":"9"}}
        """.formatted(SigningApiTest.GVR, epoch);
  }

  private static String deposit() {
    return """
        {"type":"DEPOSIT","deposit":{"pubkey":"%s","withdrawal_credentials":"0x%s","amount":"32000000000",
         "genesis_fork_version":"0x00000000"}}
        """.formatted(SigningApiTest.PUBKEY, "00".repeat(32));
  }

  static void sql(Path data, String statement) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(DatabaseConfig.SQLITE_FILE_NAME));
        Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 5000");
      s.execute(statement);
    }
  }

  private static AuditLog auditLog(Path data) {
    SQLiteDataSource dataSource = new SQLiteDataSource();
    dataSource.setUrl("jdbc:sqlite:" + data.resolve(DatabaseConfig.SQLITE_FILE_NAME));
    return AuditLog.open(dataSource, Dialect.SQLITE);
  }
}
