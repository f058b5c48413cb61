package dev.palisade.vault.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Hex;
import dev.palisade.vault.TestKeys;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeySealerTest {
  private static final OperatorId ALICE = new OperatorId("alice");
  private static final OperatorId BOB = new OperatorId("bob");
  @TempDir static Path dir;
  private static SealedFileKek kek;

  @BeforeAll
  static void createKek() throws Exception {
    kek = SealedFileKek.create(dir.resolve("kek"), Passphrase.of("pw"), ScryptParams.FOR_TESTS);
  }

  @AfterAll
  static void closeKek() {
    kek.close();
  }

  @Test
  void sealedKeyOpensToTheSameKeyAndSignsIdentically() throws Exception {
    try (BlsSecretKey key = TestKeys.random(new Random(1))) {
      SealedKey sealed = KeySealer.seal(key, ALICE, kek);
      assertEquals(key.publicKey(), sealed.publicKey());
      assertEquals(kek.id(), sealed.kekId());
      assertEquals(SealedKey.CURRENT_FORMAT, sealed.formatVersion());
      try (BlsSecretKey opened = KeySealer.open(sealed, kek)) {
        assertArrayEquals(TestKeys.secretOf(key), TestKeys.secretOf(opened));
        Bytes32 root = Bytes32.wrap(new byte[32]);
        assertEquals(key.sign(root), opened.sign(root));
      }
      try (dev.palisade.crypto.SecretBytes secret = KeySealer.openSecret(sealed, kek)) {
        assertArrayEquals(TestKeys.secretOf(key), secret.array());
      }
    }
  }

  @Test
  void ciphertextDoesNotContainTheSecretAndEachSealIsFresh() throws Exception {
    try (BlsSecretKey key = TestKeys.random(new Random(2))) {
      SealedKey first = KeySealer.seal(key, ALICE, kek);
      SealedKey second = KeySealer.seal(key, ALICE, kek);
      byte[] secret = TestKeys.secretOf(key);
      assertEquals(-1, TestKeys.indexOf(first.keyCiphertext(), secret));
      assertFalse(java.util.Arrays.equals(first.keyNonce(), second.keyNonce()));
      assertFalse(java.util.Arrays.equals(first.wrappedDek(), second.wrappedDek()));
      assertNotEquals(first, second);
    }
  }

  @Test
  void recordMovedOntoAnotherPublicKeyDoesNotOpen() throws Exception {
    try (BlsSecretKey key = TestKeys.random(new Random(3));
        BlsSecretKey other = TestKeys.random(new Random(4))) {
      SealedKey sealed = KeySealer.seal(key, ALICE, kek);
      SealedKey moved =
          new SealedKey(other.publicKey(), ALICE, sealed.formatVersion(), sealed.kekId(),
              sealed.wrappedDek(), sealed.keyNonce(), sealed.keyCiphertext());
      SealedKeyException e = assertThrows(SealedKeyException.class, () -> KeySealer.open(moved, kek));
      assertEquals(SealedKeyException.Kind.BINDING_MISMATCH, e.kind());
      assertEquals(other.publicKey(), e.publicKey());
    }
  }

  @Test
  void recordMovedOntoAnotherOperatorDoesNotOpen() throws Exception {
    try (BlsSecretKey key = TestKeys.random(new Random(5))) {
      SealedKey sealed = KeySealer.seal(key, ALICE, kek);
      SealedKey moved =
          new SealedKey(sealed.publicKey(), BOB, sealed.formatVersion(), sealed.kekId(),
              sealed.wrappedDek(), sealed.keyNonce(), sealed.keyCiphertext());
      SealedKeyException e = assertThrows(SealedKeyException.class, () -> KeySealer.open(moved, kek));
      assertEquals(SealedKeyException.Kind.BINDING_MISMATCH, e.kind());
    }
  }

  @Test
  void keyCiphertextSwappedBetweenRecordsDoesNotOpen() throws Exception {
    try (BlsSecretKey a = TestKeys.random(new Random(6));
        BlsSecretKey b = TestKeys.random(new Random(7))) {
      SealedKey sealedA = KeySealer.seal(a, ALICE, kek);
      SealedKey sealedB = KeySealer.seal(b, ALICE, kek);
      // B's own data key, but A's encrypted key: the key AAD names B, so it fails.
      SealedKey swapped =
          new SealedKey(sealedB.publicKey(), ALICE, 1, sealedB.kekId(), sealedB.wrappedDek(),
              sealedA.keyNonce(), sealedA.keyCiphertext());
      assertEquals(SealedKeyException.Kind.BINDING_MISMATCH,
          assertThrows(SealedKeyException.class, () -> KeySealer.open(swapped, kek)).kind());
    }
  }

  /** Seeded: flip one random bit of one field; every flip must be detected. */
  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22})
  void anyFlippedBitIsDetected(long seed) throws Exception {
    Random random = new Random(seed);
    try (BlsSecretKey key = TestKeys.random(random)) {
      SealedKey sealed = KeySealer.seal(key, ALICE, kek);
      byte[] wrapped = sealed.wrappedDek();
      byte[] nonce = sealed.keyNonce();
      byte[] ciphertext = sealed.keyCiphertext();
      byte[] target = switch (random.nextInt(3)) {
        case 0 -> wrapped;
        case 1 -> nonce;
        default -> ciphertext;
      };
      target[random.nextInt(target.length)] ^= (byte) (1 << random.nextInt(8));
      SealedKey tampered =
          new SealedKey(sealed.publicKey(), ALICE, 1, sealed.kekId(), wrapped, nonce, ciphertext);
      assertEquals(SealedKeyException.Kind.BINDING_MISMATCH,
          assertThrows(SealedKeyException.class, () -> KeySealer.open(tampered, kek)).kind());
    }
  }

  @Test
  void recordOfAnUnknownKekOrFormatIsATypedError() throws Exception {
    try (BlsSecretKey key = TestKeys.random(new Random(8));
        SealedFileKek otherKek =
            SealedFileKek.create(dir.resolve("other-kek"), Passphrase.of("pw"), ScryptParams.FOR_TESTS)) {
      SealedKey sealed = KeySealer.seal(key, ALICE, kek);
      assertEquals(SealedKeyException.Kind.UNKNOWN_KEK,
          assertThrows(SealedKeyException.class, () -> KeySealer.open(sealed, otherKek)).kind());
      assertEquals(SealedKeyException.Kind.UNKNOWN_KEK,
          assertThrows(SealedKeyException.class, () -> KeySealer.open(sealed, KekRing.of(otherKek)))
              .kind());
      // A different KEK claiming the record's id (e.g. a restored file of another install).
      SealedKey relabelled = sealed.rewrapped(otherKek.id(), sealed.wrappedDek());
      assertEquals(SealedKeyException.Kind.BINDING_MISMATCH,
          assertThrows(SealedKeyException.class, () -> KeySealer.open(relabelled, otherKek)).kind());
      SealedKey future =
          new SealedKey(sealed.publicKey(), ALICE, 2, sealed.kekId(), sealed.wrappedDek(),
              sealed.keyNonce(), sealed.keyCiphertext());
      assertEquals(SealedKeyException.Kind.UNSUPPORTED_FORMAT,
          assertThrows(SealedKeyException.class, () -> KeySealer.open(future, kek)).kind());
    }
  }

  @Test
  void toStringAndErrorsNeverShowSecretMaterial() throws Exception {
    try (BlsSecretKey key = TestKeys.random(new Random(9))) {
      SealedKey sealed = KeySealer.seal(key, ALICE, kek);
      String secretHex = Hex.encode(TestKeys.secretOf(key)).substring(2);
      String text = sealed + " " + kek + " " + Passphrase.of("hunter2");
      assertFalse(text.contains(secretHex));
      assertFalse(text.contains("hunter2"));
      assertFalse(text.contains(Hex.encode(sealed.keyCiphertext()).substring(2, 20)));
      SealedKey moved =
          new SealedKey(sealed.publicKey(), BOB, 1, sealed.kekId(), sealed.wrappedDek(),
              sealed.keyNonce(), sealed.keyCiphertext());
      String message =
          assertThrows(SealedKeyException.class, () -> KeySealer.open(moved, kek)).getMessage();
      assertFalse(message.contains(secretHex));
    }
  }
}
