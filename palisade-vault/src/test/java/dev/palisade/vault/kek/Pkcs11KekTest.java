package dev.palisade.vault.kek;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.SecretBytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.vault.TestKeys;
import dev.palisade.vault.keys.KeySealer;
import dev.palisade.vault.seal.DataKey;
import dev.palisade.vault.seal.KeyBinding;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Against a real SoftHSM2 token. Tests run in order because the token is shared and PKCS#11 login
 * state is per token in a process: one KEK is opened and closed at a time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Pkcs11KekTest {
  private static final String KEY_LABEL = "palisade-kek";

  private static Pkcs11Config config(String label) throws Exception {
    SoftHsm hsm = SoftHsm.token();
    return new Pkcs11Config(hsm.library, new Pkcs11Config.Slot.Id(hsm.slotId), label);
  }

  private static Passphrase pin() {
    return Passphrase.of(SoftHsm.USER_PIN);
  }

  @Test
  @Order(1)
  void missingKeyIsNotFoundUnlessAskedToGenerate() throws Exception {
    KekException e =
        assertThrows(KekException.class, () -> Pkcs11Kek.open(config(KEY_LABEL), pin(), false));
    assertEquals(KekException.Kind.NOT_FOUND, e.kind());
  }

  @Test
  @Order(2)
  void generatedKeyLivesInTheTokenAndWrapsAcrossSessions() throws Exception {
    KeyBinding binding =
        new KeyBinding(TestKeys.random(new Random(1)).publicKey(), OperatorId.DEFAULT, 1);
    byte[] wrapped;
    byte[] plaintext;
    try (Pkcs11Kek kek = Pkcs11Kek.open(config(KEY_LABEL), pin(), true);
        DataKey dataKey = kek.newDataKey(binding)) {
      assertEquals("pkcs11:" + KEY_LABEL, kek.id());
      wrapped = dataKey.wrapped();
      plaintext = dataKey.plaintext().array().clone();
    }
    // A new provider instance finds the same token key by label (it is a token object) and
    // opening it succeeded, which also checked that the token will not reveal its bytes.
    try (Pkcs11Kek kek = Pkcs11Kek.open(config(KEY_LABEL), pin(), false);
        SecretBytes unwrapped = kek.unwrap(wrapped, binding)) {
      assertArrayEquals(plaintext, unwrapped.array());
      KeyBinding other = new KeyBinding(binding.publicKey(), new OperatorId("other"), 1);
      assertEquals(KekException.Kind.UNWRAP_FAILED,
          assertThrows(KekException.class, () -> kek.unwrap(wrapped, other)).kind());
    }
  }

  @Test
  @Order(3)
  void sealsAndOpensBlsKeysThroughTheHsm() throws Exception {
    SoftHsm hsm = SoftHsm.token();
    // Select the token by its position in the slot list this time.
    Pkcs11Config byIndex =
        new Pkcs11Config(hsm.library, new Pkcs11Config.Slot.ListIndex(0), KEY_LABEL);
    try (Pkcs11Kek kek = Pkcs11Kek.open(byIndex, pin(), false);
        BlsSecretKey key = TestKeys.random(new Random(2))) {
      SealedKey sealed = KeySealer.seal(key, OperatorId.DEFAULT, kek);
      try (BlsSecretKey opened = KeySealer.open(sealed, kek)) {
        assertEquals(key.sign(Bytes32.ZERO), opened.sign(Bytes32.ZERO));
      }
      SealedKey moved =
          new SealedKey(TestKeys.random(new Random(3)).publicKey(), OperatorId.DEFAULT, 1,
              sealed.kekId(), sealed.wrappedDek(), sealed.keyNonce(), sealed.keyCiphertext());
      assertEquals(SealedKeyException.Kind.BINDING_MISMATCH,
          assertThrows(SealedKeyException.class, () -> KeySealer.open(moved, kek)).kind());
    }
  }

  @Test
  @Order(4)
  void wrongPinIsATypedError() throws Exception {
    KekException e =
        assertThrows(
            KekException.class, () -> Pkcs11Kek.open(config(KEY_LABEL), Passphrase.of("0000"), false));
    assertEquals(KekException.Kind.WRONG_PIN, e.kind());
    // The right PIN still works afterwards: nothing was changed.
    Pkcs11Kek.open(config(KEY_LABEL), pin(), false).close();
  }

  @Test
  @Order(5)
  void absentLibraryOrTokenIsUnavailable() throws Exception {
    Pkcs11Config noLibrary =
        new Pkcs11Config(Path.of("/nonexistent/libpkcs11.so"), new Pkcs11Config.Slot.Id(0), KEY_LABEL);
    KekException e = assertThrows(KekException.class, () -> Pkcs11Kek.open(noLibrary, pin(), true));
    assertEquals(KekException.Kind.UNAVAILABLE, e.kind());
    Pkcs11Config noToken =
        new Pkcs11Config(SoftHsm.token().library, new Pkcs11Config.Slot.Id(987654321L), KEY_LABEL);
    e = assertThrows(KekException.class, () -> Pkcs11Kek.open(noToken, pin(), true));
    assertEquals(KekException.Kind.UNAVAILABLE, e.kind());
  }
}
