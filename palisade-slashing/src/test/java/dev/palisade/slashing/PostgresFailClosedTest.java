package dev.palisade.slashing;

import static dev.palisade.slashing.TestData.GVR;
import static dev.palisade.slashing.TestData.key;
import static dev.palisade.slashing.TestData.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.eth2.BlsPublicKey;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL server is stopped mid-run: every check fails with {@link
 * SlashingStoreUnavailableException} within a couple of seconds, none is allowed; after a restart
 * on the same data directory and port the same store object works again.
 */
class PostgresFailClosedTest {

  @Test
  void failsClosedWhileTheDatabaseIsDownAndRecoversAfter() throws Exception {
    Path dataDir = StoreFactory.tempDir();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    EmbeddedPostgres pg = start(dataDir, port); // a clean-on-close instance would delete the data
    SlashingOptions options =
        SlashingOptions.defaults()
            .withRequestTimeout(Duration.ofSeconds(2))
            .withConnectionTimeout(Duration.ofMillis(1000));
    BlsPublicKey k = key(5);
    try (SlashingProtection store =
        SlashingProtections.postgres(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", options)) {
      for (int slot = 1; slot <= 10; slot++) {
        assertTrue(store.checkAndRecordBlock(k, GVR, slot, root(slot)).isAllowed());
      }
      assertTrue(store.health().up());

      pg.close(); // the server stops
      for (int slot = 11; slot <= 16; slot++) {
        int s = slot;
        long t0 = System.nanoTime();
        assertThrows(
            SlashingStoreUnavailableException.class,
            () -> store.checkAndRecordBlock(k, GVR, s, root(s)));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis < 3_500, "failed in " + millis + " ms");
      }
      assertThrows(
          SlashingStoreUnavailableException.class,
          () -> store.checkAndRecordAttestation(k, GVR, 1, 2, root(1)));
      Thread.sleep(600); // past the health cache
      assertFalse(store.health().up());

      pg = start(dataDir, port); // same data, same port
      boolean recovered = false;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!recovered && System.nanoTime() < deadline) {
        try {
          recovered = store.checkAndRecordBlock(k, GVR, 11, root(11)).isAllowed();
          assertTrue(recovered, "slot 11 was never recorded while the server was down");
        } catch (SlashingStoreUnavailableException e) {
          Thread.sleep(200);
        }
      }
      assertTrue(recovered, "the store recovered by itself");
      // the history from before the outage survived
      assertEquals(
          Rule.BLOCK_BELOW_WATERMARK,
          ((Verdict.Refused) store.checkAndRecordBlock(k, GVR, 5, root(99))).rule());
      Thread.sleep(600);
      assertTrue(store.health().up(), store.health().message());
    } finally {
      pg.close();
    }
  }

  private static EmbeddedPostgres start(Path dataDir, int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }
}
