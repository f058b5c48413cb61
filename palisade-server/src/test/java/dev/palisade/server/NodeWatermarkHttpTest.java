package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's in-memory high watermark: when the database's history vanishes behind its back (a
 * restored backup, a promoted standby that lacks the last commits), this process still never signs
 * at or below what it signed itself, except an identical re-sign.
 */
class NodeWatermarkHttpTest {
  private static final String ROOT_A = "0x" + "aa".repeat(32);
  private static final String ROOT_B = "0x" + "bb".repeat(32);

  @TempDir Path temp;

  @Test
  void refusesConflictsWithItsOwnPastAfterTheDatabaseForgotThem() throws Exception {
    Path data = temp.resolve("data");
    try (PalisadeNode node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), data))) {
      node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      HttpTestClient client = new HttpTestClient(node.port());
      assertSigned(client.sign(SigningApiTest.PUBKEY, TwoInstancesRaceTest.block(100, ROOT_A), "application/json"));
      assertSigned(client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(5, 6, ROOT_A), "application/json"));

      // Before each request the history disappears (rows and per-validator watermarks): the database
      // records what it allows before this policy runs, so each case starts from a forgetful database.
      forget(data);
      assertRefusedByWatermark(client.sign(SigningApiTest.PUBKEY, TwoInstancesRaceTest.block(100, ROOT_B), "application/json"));
      forget(data);
      assertRefusedByWatermark(client.sign(SigningApiTest.PUBKEY, TwoInstancesRaceTest.block(99, ROOT_B), "application/json"));
      forget(data);
      assertRefusedByWatermark(client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(4, 5, ROOT_B), "application/json"));
      forget(data);
      assertRefusedByWatermark(client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(5, 6, ROOT_B), "application/json"));
      forget(data);
      assertRefusedByWatermark(client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(4, 7, ROOT_B), "application/json"));

      // an identical re-sign is still answered, and moving forward still works
      forget(data);
      assertSigned(client.sign(SigningApiTest.PUBKEY, TwoInstancesRaceTest.block(100, ROOT_A), "application/json"));
      assertSigned(client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(5, 6, ROOT_A), "application/json"));
      assertSigned(client.sign(SigningApiTest.PUBKEY, TwoInstancesRaceTest.block(101, ROOT_B), "application/json"));
      assertSigned(client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(6, 7, ROOT_B), "application/json"));
    }
  }

  private static void forget(Path data) throws Exception {
    AuditDurabilityHttpTest.sql(data, "DELETE FROM signed_blocks");
    AuditDurabilityHttpTest.sql(data, "DELETE FROM signed_attestations");
    AuditDurabilityHttpTest.sql(data, "UPDATE validators SET block_slot = NULL, block_root = NULL,"
        + " att_source = NULL, att_target = NULL, att_root = NULL");
  }

  private static void assertSigned(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
  }

  private static void assertRefusedByWatermark(HttpResponse<String> response) {
    assertEquals(412, response.statusCode(), response.body());
    assertEquals("node_watermark", MainnetSigningVectorsHttpTest.readJson(response.body()).get("rule").asText());
    assertFalse(response.body().contains("signature"), response.body());
  }
}
