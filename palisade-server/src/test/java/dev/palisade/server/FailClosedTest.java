package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL server is stopped mid-run: every slashable request gets 503 and no signature;
 * once it is back, signing resumes without restarting Palisade.
 */
class FailClosedTest {
  @TempDir Path temp;

  @Test
  void stoppedDatabaseMeans503AndRecoveryMeansSigningAgain() throws Exception {
    Path pgData = Files.createDirectories(temp.resolve("pg"));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    EmbeddedPostgres postgres = startPostgres(pgData, port);
    String url = postgres.getJdbcUrl("postgres", "postgres");
    try (PalisadeNode node =
        PalisadeNode.start(TestNodes.postgres(Networks.named("mainnet"), temp.resolve("data"), url, "postgres", "postgres"))) {
      node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      HttpTestClient client = new HttpTestClient(node.port());
      assertEquals(200, client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, zeroRoot()), null).statusCode());

      postgres.close();

      for (int epoch = 3; epoch < 8; epoch++) {
        HttpResponse<String> response =
            client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(epoch - 1, epoch, zeroRoot()), "application/json");
        assertEquals(503, response.statusCode(), response.body());
        assertTrue(!response.body().contains("signature"), response.body());
      }
      assertEquals(503, client.get("/healthcheck").statusCode());

      postgres = startPostgres(pgData, port);

      HttpResponse<String> resumed = null;
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (System.nanoTime() < deadline) {
        resumed = client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(8, 9, zeroRoot()), null);
        if (resumed.statusCode() == 200) {
          break;
        }
        Thread.sleep(200);
      }
      assertEquals(200, resumed.statusCode(), resumed.body());
      assertEquals(200, client.get("/healthcheck").statusCode());
    } finally {
      postgres.close();
    }
  }

  private static String zeroRoot() {
    return "0x" + "00".repeat(32);
  }

  private static EmbeddedPostgres startPostgres(Path dataDirectory, int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }
}
