package dev.palisade.slashing;

import static dev.palisade.slashing.TestData.GVR;
import static dev.palisade.slashing.TestData.key;
import static dev.palisade.slashing.TestData.root;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.eth2.BlsPublicKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer keeps its SQLite connection open, so a removed file would go on taking writes on the
 * unlinked inode (what the previous release did). Now the next check refuses, health is DOWN and
 * neither the check nor the health probe re-creates the file.
 */
class SqliteRemovedFileTest {
  @TempDir Path temp;

  @Test
  void aRemovedFileRefusesChecksAndHealthIsDownWithoutRecreatingIt() throws Exception {
    Path file = temp.resolve("slashing-protection.sqlite");
    BlsPublicKey k = key(1);
    try (SlashingProtection store = SlashingProtections.sqlite(temp)) {
      assertTrue(store.checkAndRecordBlock(k, GVR, 1, root(1)).isAllowed());
      assertTrue(store.health().up());
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        Files.deleteIfExists(Path.of(file + suffix));
      }
      assertThrows(SlashingStoreUnavailableException.class, () -> store.checkAndRecordBlock(k, GVR, 2, root(2)));
      Thread.sleep(600); // past the health cache
      HealthStatus health = store.health();
      assertFalse(health.up());
      assertTrue(health.message().contains("removed"), health.message());
      assertFalse(Files.exists(file), "the database file was re-created");
    }
  }
}
