package dev.palisade.vault.keys;

import static org.junit.jupiter.api.Assertions.*;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.SecretBytes;
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
import dev.palisade.store.Dialect;
import dev.palisade.vault.store.SealedKeyStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FastStartTest {
  private static final OperatorId OPERATOR = new OperatorId("fast");

  @Test
  void authenticatedBytesSkipDerivationButStillRangeCheck() {
    BlsSecretKey reference = TestKeys.random(new java.util.Random(3));
    byte[] secret = TestKeys.secretOf(reference);
    BlsSecretKey fast = BlsSecretKey.fromAuthenticatedBytes(secret, reference.publicKey());
    assertEquals(reference.publicKey(), fast.publicKey());
    assertEquals(VaultSigning.direct(reference), VaultSigning.direct(fast));
    assertThrows(IllegalArgumentException.class,
        () -> BlsSecretKey.fromAuthenticatedBytes(new byte[32], reference.publicKey()));
    byte[] tooBig = new byte[32];
    java.util.Arrays.fill(tooBig, (byte) 0xff);
    assertThrows(IllegalArgumentException.class,
        () -> BlsSecretKey.fromAuthenticatedBytes(tooBig, reference.publicKey()));
    assertThrows(IllegalArgumentException.class,
        () -> BlsSecretKey.fromAuthenticatedBytes(new byte[31], reference.publicKey()));
    SecretBytes.wipe(secret);
    fast.close();
    reference.close();
  }

  @Test
  void loadsFastAndRemovesAKeyWhoseSecretDoesNotMatchInTheBackground(@TempDir Path dir) throws Exception {
    try (SealedFileKek kek = SealedFileKek.create(dir.resolve("kek.sealed"), Passphrase.of("p"), ScryptParams.FOR_TESTS)) {
      SealedKeyStore store = new SealedKeyStore(dev.palisade.vault.store.TestSqlite.dataSource(dir.resolve("vault.db")), Dialect.SQLITE);
      List<BlsSecretKey> keys = TestKeys.random(7, 20);
      List<SealedKey> records = new ArrayList<>();
      for (BlsSecretKey key : keys) {
        records.add(KeySealer.seal(key, OPERATOR, kek));
      }
      // A KEK holder seals key 0's secret under key 1's public key: GCM authenticates it, but the
      // secret does not derive that public key. (Key 1's own record is left out.)
      byte[] secret0 = TestKeys.secretOf(keys.get(0));
      BlsPublicKey victim = keys.get(1).publicKey();
      try (BlsSecretKey lying = BlsSecretKey.fromAuthenticatedBytes(secret0, victim)) {
        records.set(1, KeySealer.seal(lying, OPERATOR, kek));
      }
      SecretBytes.wipe(secret0);
      store.insertAllNew(records);

      try (InProcessVault vault = new InProcessVault()) {
        SealedKeyLoader loader = new SealedKeyLoader(store, KekRing.of(kek), 2);
        LoadSummary summary = loader.loadInto(vault, OPERATOR);
        assertEquals(20, summary.loaded());
        SealedKeyLoader.Verification verification = loader.verification().get(30, TimeUnit.SECONDS);
        assertEquals(19, verification.verified());
        assertEquals(List.of(victim), verification.removed());
        assertFalse(vault.holds(victim));
        assertEquals(19, vault.publicKeys().size());
        for (BlsSecretKey key : keys.subList(2, 20)) {
          assertEquals(VaultSigning.direct(key), VaultSigning.viaVault(vault, key.publicKey()));
        }
      }
      keys.forEach(BlsSecretKey::close);
    }
  }
}
