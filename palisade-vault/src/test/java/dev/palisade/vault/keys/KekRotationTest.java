package dev.palisade.vault.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.SecretBytes;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.vault.TestKeys;
import dev.palisade.vault.kek.KekException;
import dev.palisade.vault.kek.KekProvider;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.seal.KeyBinding;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import dev.palisade.store.Dialect;
import dev.palisade.vault.store.SealedKeyStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class KekRotationTest {
  private static final OperatorId OPERATOR = new OperatorId("op");
  @TempDir Path dir;

  /** A target KEK that breaks after {@code limit} wraps, as a crash or an HSM outage would. */
  private record FailingAfter(KekProvider delegate, int limit, AtomicInteger wraps) implements KekProvider {
    @Override
    public String id() {
      return delegate.id();
    }

    @Override
    public byte[] wrap(SecretBytes dataKey, dev.palisade.vault.seal.DataKeyBinding binding) throws KekException {
      if (wraps.incrementAndGet() > limit) {
        throw new KekException(KekException.Kind.UNAVAILABLE, "simulated outage");
      }
      return delegate.wrap(dataKey, binding);
    }

    @Override
    public SecretBytes unwrap(byte[] wrapped, dev.palisade.vault.seal.DataKeyBinding binding) throws KekException {
      return delegate.unwrap(wrapped, binding);
    }

    @Override
    public void close() {}
  }

  /** Seeded: interrupt after a varying number of records; nothing is ever lost. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 19})
  void interruptedRotationLosesNothingAndResumes(int failAfter) throws Exception {
    try (SealedFileKek oldKek = SealedFileKek.create(dir.resolve("old"), Passphrase.of("a"), ScryptParams.FOR_TESTS);
        SealedFileKek newKek = SealedFileKek.create(dir.resolve("new"), Passphrase.of("b"), ScryptParams.FOR_TESTS)) {
      SealedKeyStore store = new SealedKeyStore(dev.palisade.vault.store.TestSqlite.dataSource(dir.resolve("db")), Dialect.SQLITE);
      List<BlsSecretKey> keys = TestKeys.random(failAfter, 20);
      Map<BlsPublicKey, SealedKey> before = new HashMap<>();
      for (BlsSecretKey key : keys) {
        SealedKey sealed = KeySealer.seal(key, OPERATOR, oldKek);
        store.put(sealed);
        before.put(sealed.publicKey(), sealed);
      }
      store.setOperatorKek(OPERATOR, oldKek.id());

      KekRotation broken =
          new KekRotation(store, KekRing.of(oldKek), new FailingAfter(newKek, failAfter, new AtomicInteger()));
      SealedKeyException e = assertThrows(SealedKeyException.class, () -> broken.rotate(OPERATOR));
      assertEquals(SealedKeyException.Kind.KEK_FAILURE, e.kind());

      // Midway: some records on the new KEK, the rest on the old; all open with both on the ring.
      assertEquals(20 - failAfter, store.publicKeysNotWrappedBy(OPERATOR, newKek.id()).size());
      assertEquals(oldKek.id(), store.operator(OPERATOR).orElseThrow().kekId());
      assertAllOpen(store, keys, KekRing.of(oldKek, newKek), before);

      KekRotation.Summary summary = new KekRotation(store, KekRing.of(oldKek), newKek).rotate(OPERATOR);
      assertEquals(20 - failAfter, summary.rewrapped());
      assertEquals(failAfter, summary.alreadyCurrent());
      assertEquals(newKek.id(), store.operator(OPERATOR).orElseThrow().kekId());
      // Done: the new KEK alone opens everything.
      assertAllOpen(store, keys, KekRing.of(newKek), before);
      assertEquals(new KekRotation.Summary(0, 20),
          new KekRotation(store, KekRing.of(oldKek), newKek).rotate(OPERATOR));
      keys.forEach(BlsSecretKey::close);
    }
  }

  private static void assertAllOpen(SealedKeyStore store, List<BlsSecretKey> keys, KekRing ring,
      Map<BlsPublicKey, SealedKey> before) throws Exception {
    for (BlsSecretKey key : keys) {
      SealedKey now = store.get(key.publicKey()).orElseThrow();
      // Rotation never touches the key ciphertext.
      assertArrayEquals(before.get(key.publicKey()).keyCiphertext(), now.keyCiphertext());
      assertArrayEquals(before.get(key.publicKey()).keyNonce(), now.keyNonce());
      try (BlsSecretKey opened = KeySealer.open(now, ring)) {
        assertArrayEquals(TestKeys.secretOf(key), TestKeys.secretOf(opened));
      }
    }
  }
}
