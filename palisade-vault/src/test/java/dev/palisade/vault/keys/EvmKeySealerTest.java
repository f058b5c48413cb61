package dev.palisade.vault.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.palisade.crypto.SecretBytes;
import dev.palisade.crypto.Secp256k1SecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.evm.PersonalMessage;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.UnknownEvmKeyException;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedEvmKey;
import dev.palisade.vault.seal.SealedKeyException;
import dev.palisade.store.Dialect;
import dev.palisade.vault.store.TestSqlite;
import dev.palisade.vault.store.SealedEvmKeyStore;
import dev.palisade.vault.store.SealedKeyStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** secp256k1 keys sealed like BLS keys: bound to address and operator, stored, opened, signed with. */
class EvmKeySealerTest {
  private static final OperatorId ALICE = new OperatorId("alice");
  private static final OperatorId BOB = new OperatorId("bob");
  // The first key of the EVM vectors (palisade-evm/src/test/resources/vectors/evm/keys.json).
  private static final String SECRET = "0x492b2c520e4254cbde7cac9d43692621230ff23e9ce1460c9a54ff4691dd2d46";
  private static final String ADDRESS = "0x70eFA9DBA0e91A9b6bF24AEA6717c3293246C93d";
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

  static Secp256k1SecretKey vectorKey() {
    return Secp256k1SecretKey.fromBytes(SecretBytes.takeOwnership(Hex.decode(SECRET)));
  }

  @Test
  void sealsStoresOpensAndSignsLikeTheVector() throws Exception {
    SealedKeyStore base = new SealedKeyStore(TestSqlite.dataSource(dir.resolve("vault.db")), Dialect.SQLITE);
    SealedEvmKeyStore store = new SealedEvmKeyStore(base);
    try (Secp256k1SecretKey key = vectorKey()) {
      SealedEvmKey sealed = EvmKeySealer.seal(key, ALICE, kek);
      assertEquals(-1, indexOf(sealed.keyCiphertext(), Hex.decode(SECRET)));
      assertEquals(true, store.insert(sealed));
      assertFalse(store.insert(sealed), "a stored address is never replaced");
    }
    SealedEvmKey stored = store.list(ALICE).get(0);
    assertEquals(ADDRESS, stored.address().toString());
    try (InProcessVault vault = new InProcessVault()) {
      vault.evm().add(EvmKeySealer.open(stored, KekRing.of(kek)));
      // eip191-0 of the vectors: "hello" signed by this key.
      assertEquals("0x575efa947e4bb88e9a264113357a326e0587d10d1d9ac18bc4ccb17edf8052de36d78386c6a0ee150d91fa0402b72e705a0105b731ef93c642f369b944c8e2541c",
          vault.signEvm(Address.parse(ADDRESS),
              new EvmSigningRequest.PersonalSign(PersonalMessage.ofText("hello"))).toRsvHex());
      vault.evm().remove(Address.parse(ADDRESS));
      assertThrows(UnknownEvmKeyException.class, () -> vault.signEvm(Address.parse(ADDRESS),
          new EvmSigningRequest.RawData(new byte[1])));
    }
    assertEquals(true, store.delete(Address.parse(ADDRESS)));
  }

  @Test
  void aRecordMovedToAnotherOperatorOrAddressDoesNotOpen() throws Exception {
    try (Secp256k1SecretKey key = vectorKey();
        Secp256k1SecretKey other = Secp256k1SecretKey.generate(new SecureRandom())) {
      SealedEvmKey sealed = EvmKeySealer.seal(key, ALICE, kek);
      SealedEvmKey moved = new SealedEvmKey(sealed.address(), BOB, sealed.formatVersion(), sealed.kekId(),
          sealed.wrappedDek(), sealed.keyNonce(), sealed.keyCiphertext());
      assertEquals(SealedKeyException.Kind.BINDING_MISMATCH,
          assertThrows(SealedKeyException.class, () -> EvmKeySealer.open(moved, KekRing.of(kek))).kind());
      SealedEvmKey renamed = new SealedEvmKey(other.address(), ALICE, sealed.formatVersion(), sealed.kekId(),
          sealed.wrappedDek(), sealed.keyNonce(), sealed.keyCiphertext());
      assertEquals(SealedKeyException.Kind.BINDING_MISMATCH,
          assertThrows(SealedKeyException.class, () -> EvmKeySealer.open(renamed, KekRing.of(kek))).kind());
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
