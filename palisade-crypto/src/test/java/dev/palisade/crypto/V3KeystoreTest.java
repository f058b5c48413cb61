package dev.palisade.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.palisade.eth2.Hex;
import org.junit.jupiter.api.Test;

/** The two test vectors of the Web3 Secret Storage Definition (ethereum.org), and the limits. */
class V3KeystoreTest {
  static final String SECRET = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
  static final String ADDRESS = "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b";

  static final String PBKDF2 = """
      {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},
      "ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2",
      "kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256",
      "salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
      "mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},
      "id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}""";

  /** geth's default scrypt (n=2^18, r=8, p=1), password "test"; from consuela's V3Spec (public). */
  static final String GETH_SCRYPT = """
      {"address":"27dd70735fa8cb93c8164b0b43bf733d71638497","crypto":{"cipher":"aes-128-ctr",
      "ciphertext":"c4a499a3b73ebdddaf3526f4b4a996e8012465b0675e66e80f8b2900c9198247",
      "cipherparams":{"iv":"936f111b876c5adba4e4d8b72af13e7d"},"kdf":"scrypt",
      "kdfparams":{"dklen":32,"n":262144,"p":1,"r":8,
      "salt":"a6fd91afc2fcbf9a61b43894120077090d6330b5e80e6bca9dcce8e5746a08f4"},
      "mac":"0a600717ee75a350a1d9204ec640df8541d709fe00fd3f6507644ebe69b50896"},
      "id":"0b1ebaf7-bfdb-4662-9a8e-6c024d024d27","version":3}""";

  /** The definition's scrypt vector uses r=1 with n=2^18, outside RFC 7914. */
  static final String SCRYPT = """
      {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"83dbcc02d8ccb40e466191a123791e0e"},
      "ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","kdf":"scrypt",
      "kdfparams":{"dklen":32,"n":262144,"p":8,"r":1,
      "salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},
      "mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},
      "id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}""";

  @Test
  void pbkdf2Vector() throws Exception {
    try (Secp256k1SecretKey key = V3Keystore.parse(PBKDF2).decrypt("testpassword");
        SecretBytes secret = key.secretBytes()) {
      assertEquals(SECRET, Hex.encode(secret.array()));
      assertEquals(ADDRESS, key.address().toString());
    }
  }

  @Test
  void gethScryptKeystore() throws Exception {
    // The MAC proves the derived key; the address check inside decrypt proves the secret.
    try (Secp256k1SecretKey key = V3Keystore.parse(GETH_SCRYPT).decrypt("test")) {
      assertEquals("0x27dd70735fa8cb93c8164b0b43bf733d71638497", key.address().lowerHex());
    }
  }

  @Test
  void scryptOutsideRfc7914IsRefusedClearly() {
    KeystoreException e = assertThrows(KeystoreException.class, () -> V3Keystore.parse(SCRYPT));
    assertEquals(KeystoreException.Kind.UNSUPPORTED, e.kind());
  }

  @Test
  void wrongPasswordIsAMacMismatch() throws Exception {
    KeystoreException e = assertThrows(KeystoreException.class,
        () -> V3Keystore.parse(PBKDF2).decrypt("wrong"));
    assertEquals(KeystoreException.Kind.WRONG_PASSWORD, e.kind());
  }

  @Test
  void kdfLimitsAreTheEip2335Ones() {
    String huge = SCRYPT.replace("\"n\":262144", "\"n\":4194304").replace("\"r\":1", "\"r\":8");
    KeystoreException e = assertThrows(KeystoreException.class, () -> V3Keystore.parse(huge));
    assertEquals(KeystoreException.Kind.INVALID_FORMAT, e.kind());
    String mismatched = PBKDF2.replace("{\"crypto\"", "{\"address\":\"0x70efa9dba0e91a9b6bf24aea6717c3293246c93d\",\"crypto\"");
    KeystoreException m = assertThrows(KeystoreException.class,
        () -> V3Keystore.parse(mismatched).decrypt("testpassword"));
    assertEquals(KeystoreException.Kind.PUBKEY_MISMATCH, m.kind());
  }
}
