package dev.palisade.vault.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.TestKeys;
import dev.palisade.vault.VaultSigning;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import dev.palisade.store.Dialect;
import dev.palisade.vault.store.SealedKeyStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SealedKeyLoaderTest {
  private static final OperatorId OPERATOR = new OperatorId("op");
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void loadsEveryKeyOfTheOperatorAndTheySignAsTheOriginals(int parallelism) throws Exception {
    try (SealedFileKek kek = SealedFileKek.create(dir.resolve("kek"), Passphrase.of("p"), ScryptParams.FOR_TESTS);
        InProcessVault vault = new InProcessVault()) {
      SealedKeyStore store = new SealedKeyStore(dev.palisade.vault.store.TestSqlite.dataSource(dir.resolve("db")), Dialect.SQLITE);
      List<BlsSecretKey> keys = TestKeys.random(parallelism, 700); // several batches and a partial one
      Map<BlsPublicKey, BlsSecretKey> byPublicKey = new HashMap<>();
      List<SealedKey> records = new ArrayList<>();
      for (BlsSecretKey key : keys) {
        records.add(KeySealer.seal(key, OPERATOR, kek));
        byPublicKey.put(key.publicKey(), key);
      }
      store.insertAllNew(records);
      try (BlsSecretKey otherOperatorsKey = TestKeys.random(new java.util.Random(99))) {
        store.put(KeySealer.seal(otherOperatorsKey, new OperatorId("someone-else"), kek));
      }

      LoadSummary summary = new SealedKeyLoader(store, KekRing.of(kek), parallelism).loadInto(vault, OPERATOR);

      assertEquals(700, summary.loaded());
      assertEquals(0, summary.alreadyHeld());
      assertEquals(List.of(), summary.failures());
      assertEquals(byPublicKey.keySet(), vault.publicKeys());
      for (BlsPublicKey publicKey : List.copyOf(byPublicKey.keySet()).subList(0, 20)) {
        // The vault signs with the opened key: same signature as the original.
        assertEquals(VaultSigning.direct(byPublicKey.get(publicKey)),
            VaultSigning.viaVault(vault, publicKey));
      }
      LoadSummary again = new SealedKeyLoader(store, KekRing.of(kek), parallelism).loadInto(vault, OPERATOR);
      assertEquals(0, again.loaded());
      assertEquals(700, again.alreadyHeld());
      keys.forEach(BlsSecretKey::close);
    }
  }

  @Test
  void recordsThatDoNotOpenAreReportedAndSkipped() throws Exception {
    try (SealedFileKek kek = SealedFileKek.create(dir.resolve("kek"), Passphrase.of("p"), ScryptParams.FOR_TESTS);
        SealedFileKek absentKek = SealedFileKek.create(dir.resolve("kek2"), Passphrase.of("p"), ScryptParams.FOR_TESTS);
        InProcessVault vault = new InProcessVault()) {
      SealedKeyStore store = new SealedKeyStore(dev.palisade.vault.store.TestSqlite.dataSource(dir.resolve("db")), Dialect.SQLITE);
      List<BlsSecretKey> keys = TestKeys.random(7, 4);
      SealedKey good = KeySealer.seal(keys.get(0), OPERATOR, kek);
      SealedKey source = KeySealer.seal(keys.get(1), OPERATOR, kek);
      // keys[2]'s row holds keys[1]'s sealed data: moved onto another public key.
      SealedKey moved = new SealedKey(keys.get(2).publicKey(), OPERATOR, 1, source.kekId(),
          source.wrappedDek(), source.keyNonce(), source.keyCiphertext());
      SealedKey unknownKek = KeySealer.seal(keys.get(3), OPERATOR, absentKek);
      store.insertAllNew(List.of(good, moved, unknownKek));

      LoadSummary summary = new SealedKeyLoader(store, KekRing.of(kek), 2).loadInto(vault, OPERATOR);

      assertEquals(1, summary.loaded());
      assertEquals(Set.of(keys.get(0).publicKey()), vault.publicKeys());
      Map<BlsPublicKey, SealedKeyException.Kind> failures =
          summary.failures().stream()
              .collect(Collectors.toMap(LoadSummary.Failure::publicKey, LoadSummary.Failure::kind));
      assertEquals(Map.of(
          keys.get(2).publicKey(), SealedKeyException.Kind.BINDING_MISMATCH,
          keys.get(3).publicKey(), SealedKeyException.Kind.UNKNOWN_KEK), failures);
      assertTrue(summary.elapsed().toNanos() > 0);
      keys.forEach(BlsSecretKey::close);
    }
  }
}
