package dev.palisade.vault.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.TestKeys;
import dev.palisade.vault.VaultSigning;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.store.Dialect;
import dev.palisade.vault.store.SealedKeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded setup end to end: keys sealed into a data directory (sealed-file KEK + SQLite),
 * then a "restart" (everything reopened from disk) signs with the keys, and no file of the data
 * directory holds a secret key.
 */
class NoClearKeyAtRestTest {
  @TempDir Path dir;

  @Test
  void importedKeysSurviveARestartAndNeverRestInClear() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path kekFile = data.resolve(SealedFileKek.DEFAULT_FILE_NAME);
    Path database = data.resolve("palisade.db");
    List<BlsSecretKey> keys = TestKeys.random(2024, 5);

    try (SealedFileKek kek = SealedFileKek.create(kekFile, Passphrase.of("operator pass"), ScryptParams.FOR_TESTS)) {
      SealedKeyStore store = new SealedKeyStore(dev.palisade.vault.store.TestSqlite.dataSource(database), Dialect.SQLITE);
      for (BlsSecretKey key : keys) {
        assertEquals(dev.palisade.vault.store.PutOutcome.INSERTED, store.put(KeySealer.seal(key, OperatorId.DEFAULT, kek)));
      }
    }

    // Restart: reopen the KEK with the passphrase and the store from the same files.
    try (SealedFileKek kek = SealedFileKek.open(kekFile, Passphrase.of("operator pass"));
        InProcessVault vault = new InProcessVault()) {
      SealedKeyStore store = new SealedKeyStore(dev.palisade.vault.store.TestSqlite.dataSource(database), Dialect.SQLITE);
      LoadSummary loaded = new SealedKeyLoader(store, KekRing.of(kek)).loadInto(vault, OperatorId.DEFAULT);
      assertEquals(5, loaded.loaded());
      for (BlsSecretKey key : keys) {
        assertEquals(VaultSigning.direct(key), VaultSigning.viaVault(vault, key.publicKey()));
      }
    }

    List<Path> dataFiles;
    try (var files = Files.walk(data)) {
      dataFiles = files.filter(Files::isRegularFile).toList();
    }
    assertFalse(dataFiles.isEmpty());
    for (BlsSecretKey key : keys) {
      assertEquals(List.of(), TestKeys.filesContaining(data, TestKeys.secretOf(key)),
          "a data directory file holds the secret of " + key.publicKey());
      // The scan does find what is there: public keys are stored in clear.
      assertFalse(TestKeys.filesContaining(data, key.publicKey().toArray()).isEmpty());
      key.close();
    }
  }
}
