package dev.palisade.crypto;

import static dev.palisade.crypto.TestVectors.KEYSTORE_PASSWORD;
import static dev.palisade.crypto.TestVectors.KEYSTORE_PUBKEY;
import static dev.palisade.crypto.TestVectors.KEYSTORE_SECRET;
import static dev.palisade.crypto.TestVectors.PBKDF2_VECTOR;
import static dev.palisade.crypto.TestVectors.SCRYPT_VECTOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Hex;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Consumer;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Eip2335KeystoreTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String OTHER_PUBKEY =
      "a491d1b0ecd9bb917989f0e74f0dea0422eac4a873e5e2644f368dffb9a6e20fd6e10c1b77654d067c0618f6e5a7f79a";

  private static Eip2335Keystore parse(String json) throws KeystoreException {
    return Eip2335Keystore.parse(json);
  }

  private static void assertDecryptsToTheSpecSecret(String file) throws Exception {
    Eip2335Keystore keystore = parse(TestVectors.keystoreJson(file));
    try (SecretBytes secret = keystore.decryptSecret(KEYSTORE_PASSWORD)) {
      assertEquals(KEYSTORE_SECRET, Hex.encode(secret.array()));
    }
    try (BlsSecretKey key = keystore.decrypt(KEYSTORE_PASSWORD)) {
      assertEquals(BlsPublicKey.fromHex(KEYSTORE_PUBKEY), key.publicKey());
    }
  }

  @Test
  void decryptsTheSpecPbkdf2Vector() throws Exception {
    assertDecryptsToTheSpecSecret(PBKDF2_VECTOR);
    Eip2335Keystore keystore = parse(TestVectors.keystoreJson(PBKDF2_VECTOR));
    assertEquals("pbkdf2", keystore.kdf().function());
    assertEquals(262144, ((Kdf.Pbkdf2) keystore.kdf()).c());
    assertEquals("m/12381/60/0/0", keystore.path().orElseThrow());
    assertEquals("64625def-3331-4eea-ab6f-782f3ed16a83", keystore.uuid().orElseThrow());
    assertEquals(KEYSTORE_PUBKEY, keystore.pubkey().orElseThrow().toHex());
  }

  @Test
  void decryptsTheSpecScryptVector() throws Exception {
    assertDecryptsToTheSpecSecret(SCRYPT_VECTOR);
  }

  @Test
  void decryptsTheStakingDepositCliPbkdf2Copy() throws Exception {
    assertDecryptsToTheSpecSecret("staking-deposit-cli/test0.json");
  }

  @Test
  void decryptsTheStakingDepositCliScryptCopy() throws Exception {
    assertDecryptsToTheSpecSecret("staking-deposit-cli/test1.json");
  }

  @Test
  void normalisesThePasswordAsTheSpecSays() throws Exception {
    try (KeystorePassword password = KeystorePassword.normalize(KEYSTORE_PASSWORD)) {
      assertEquals("7465737470617373776f7264f09f9491", HexFormat.of().formatHex(password.utf8()));
    }
    // C0, DEL and C1 controls anywhere are dropped; other characters are kept.
    try (KeystorePassword password =
        KeystorePassword.normalize("\u0000a\tb\u007fc\u0085d\u009f\u00a0e\n")) {
      // U+00A0 (no-break space) becomes a plain space under NFKD.
      assertEquals("abcd e", new String(password.utf8(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void controlCharactersInThePasswordDoNotMatter() throws Exception {
    Eip2335Keystore keystore = parse(TestVectors.keystoreJson(PBKDF2_VECTOR));
    String noisy =
        "\u0001"
            + KEYSTORE_PASSWORD.substring(0, 4)
            + "\u007f\u0090"
            + KEYSTORE_PASSWORD.substring(4)
            + "\r\n";
    try (BlsSecretKey key = keystore.decrypt(noisy)) {
      assertEquals(KEYSTORE_PUBKEY, key.publicKey().toHex());
    }
  }

  @Test
  void rejectsALoneSurrogate() throws Exception {
    Eip2335Keystore keystore = parse(TestVectors.keystoreJson(PBKDF2_VECTOR));
    KeystoreException e = assertThrows(KeystoreException.class, () -> keystore.decrypt("ab\ud800"));
    assertEquals("password is not valid Unicode", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "a", "testpassword🔑", "e\u0301", "ﬁ①", "𝔱𝔢𝔰𝔱", "pässwörd with spaces"})
  void jdkPbkdf2EqualsBouncyCastleOverRawBytes(String password) throws Exception {
    byte[] salt = Kdf.randomSalt(RANDOM);
    try (KeystorePassword normalized = KeystorePassword.normalize(password)) {
      byte[] jdk = KeyDerivation.deriveKey(new Kdf.Pbkdf2(1000, salt), normalized);
      PKCS5S2ParametersGenerator bc = new PKCS5S2ParametersGenerator(new SHA256Digest());
      bc.init(normalized.utf8(), salt, 1000);
      byte[] expected = ((KeyParameter) bc.generateDerivedParameters(256)).getKey();
      assertArrayEquals(expected, jdk);
    }
  }

  @Test
  void wrongPasswordIsReportedWithoutThePassword() throws Exception {
    Eip2335Keystore keystore = parse(TestVectors.keystoreJson(PBKDF2_VECTOR));
    KeystoreException e =
        assertThrows(KeystoreException.class, () -> keystore.decrypt("hunter2-secret"));
    assertEquals(KeystoreException.Kind.WRONG_PASSWORD, e.kind());
    assertEquals("wrong password (checksum mismatch)", e.getMessage());
  }

  @Test
  void tamperedChecksumIsRejected() throws Exception {
    Eip2335Keystore keystore =
        parse(
            mutate(
                PBKDF2_VECTOR,
                root ->
                    flipHexDigit(
                        root.withObjectProperty("crypto").withObjectProperty("checksum"),
                        "message")));
    assertKind(KeystoreException.Kind.WRONG_PASSWORD, () -> keystore.decrypt(KEYSTORE_PASSWORD));
  }

  @Test
  void tamperedCiphertextIsRejected() throws Exception {
    Eip2335Keystore keystore =
        parse(
            mutate(
                PBKDF2_VECTOR,
                root ->
                    flipHexDigit(
                        root.withObjectProperty("crypto").withObjectProperty("cipher"),
                        "message")));
    assertKind(KeystoreException.Kind.WRONG_PASSWORD, () -> keystore.decrypt(KEYSTORE_PASSWORD));
  }

  @Test
  void wrongPubkeyIsRejected() throws Exception {
    Eip2335Keystore keystore =
        parse(mutate(PBKDF2_VECTOR, root -> root.put("pubkey", OTHER_PUBKEY)));
    KeystoreException e =
        assertThrows(KeystoreException.class, () -> keystore.decrypt(KEYSTORE_PASSWORD));
    assertEquals(KeystoreException.Kind.PUBKEY_MISMATCH, e.kind());
    assertFalse(e.getMessage().contains(KEYSTORE_SECRET.substring(2)));
  }

  @Test
  void pubkeyAndMetadataAreOptional() throws Exception {
    Eip2335Keystore keystore =
        parse(
            mutate(
                PBKDF2_VECTOR,
                root -> root.without(java.util.List.of("pubkey", "path", "uuid", "description"))));
    assertTrue(keystore.pubkey().isEmpty());
    try (BlsSecretKey key = keystore.decrypt(KEYSTORE_PASSWORD)) {
      assertEquals(KEYSTORE_PUBKEY, key.publicKey().toHex());
    }
  }

  @Test
  void aSecretThatIsNotAValidKeyIsRejected() throws Exception {
    // A well-formed keystore around the zero scalar, built by hand.
    Kdf.Pbkdf2 kdf = new Kdf.Pbkdf2(16, Kdf.randomSalt(RANDOM));
    byte[] iv = new byte[16];
    byte[] dk;
    try (KeystorePassword password = KeystorePassword.normalize("pw")) {
      dk = KeyDerivation.deriveKey(kdf, password);
    }
    Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(dk, 0, 16, "AES"), new IvParameterSpec(iv));
    byte[] ciphertext = aes.doFinal(new byte[32]);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(dk, 16, 16);
    byte[] checksum = sha.digest(ciphertext);
    HexFormat hex = HexFormat.of();
    String json =
        mutate(
            PBKDF2_VECTOR,
            root -> {
              ObjectNode crypto = root.withObjectProperty("crypto");
              crypto
                  .withObjectProperty("kdf")
                  .withObjectProperty("params")
                  .put("c", 16)
                  .put("salt", hex.formatHex(kdf.salt()));
              crypto.withObjectProperty("checksum").put("message", hex.formatHex(checksum));
              crypto.withObjectProperty("cipher").put("message", hex.formatHex(ciphertext));
              crypto
                  .withObjectProperty("cipher")
                  .withObjectProperty("params")
                  .put("iv", hex.formatHex(iv));
              root.remove("pubkey");
            });
    Eip2335Keystore keystore = parse(json);
    try (SecretBytes raw = keystore.decryptSecret("pw")) {
      assertArrayEquals(new byte[32], raw.array());
    }
    assertKind(KeystoreException.Kind.INVALID_SECRET, () -> keystore.decrypt("pw"));
  }

  @Test
  void encryptThenDecryptRoundTrips() throws Exception {
    try (BlsSecretKey key = BlsSecretKey.fromBytes(Hex.decode(KEYSTORE_SECRET))) {
      for (Kdf kdf :
          new Kdf[] {
            new Kdf.Pbkdf2(1024, Kdf.randomSalt(RANDOM)),
            new Kdf.Scrypt(1024, 8, 1, Kdf.randomSalt(RANDOM))
          }) {
        String json =
            Eip2335Keystore.encrypt(key, "pässword", kdf, "m/12381/3600/0/0/0", RANDOM).toJson();
        Eip2335Keystore reparsed = parse(json);
        assertEquals(key.publicKey(), reparsed.pubkey().orElseThrow());
        assertEquals(kdf.function(), reparsed.kdf().function());
        try (BlsSecretKey decrypted = reparsed.decrypt("pässword")) {
          assertEquals(key.publicKey(), decrypted.publicKey());
        }
        assertKind(KeystoreException.Kind.WRONG_PASSWORD, () -> reparsed.decrypt("password"));
      }
    }
  }

  // ---- malformed and refused keystores ------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "[]",
        "null",
        "42",
        "{\"version\": 4} trailing",
        "{\"version\":4,\"version\":4}"
      })
  void corruptedJsonIsRejected(String json) {
    KeystoreException e = assertThrows(KeystoreException.class, () -> parse(json));
    assertTrue(
        e.kind() == KeystoreException.Kind.INVALID_FORMAT
            || e.kind() == KeystoreException.Kind.UNSUPPORTED);
  }

  @Test
  void truncatedVectorIsRejected() {
    String json = TestVectors.keystoreJson(PBKDF2_VECTOR);
    assertKind(
        KeystoreException.Kind.INVALID_FORMAT, () -> parse(json.substring(0, json.length() / 2)));
  }

  @Test
  void unsupportedVersion() {
    assertMessage(
        "unsupported keystore version 3 (expected 4)",
        mutateVector(root -> root.put("version", 3)));
    assertMessage(
        "unsupported keystore version \"4\" (expected 4)",
        mutateVector(root -> root.put("version", "4")));
  }

  @Test
  void unsupportedAlgorithms() {
    assertMessage(
        "unsupported kdf 'argon2id'", mutateVector(root -> kdf(root).put("function", "argon2id")));
    assertMessage(
        "unsupported pbkdf2 prf 'hmac-sha512'",
        mutateVector(root -> kdfParams(root).put("prf", "hmac-sha512")));
    assertMessage(
        "unsupported checksum function 'sha3'",
        mutateVector(
            root ->
                root.withObjectProperty("crypto")
                    .withObjectProperty("checksum")
                    .put("function", "sha3")));
    assertMessage(
        "unsupported cipher 'aes-256-gcm'",
        mutateVector(
            root ->
                root.withObjectProperty("crypto")
                    .withObjectProperty("cipher")
                    .put("function", "aes-256-gcm")));
  }

  @Test
  void absurdKdfParametersAreRefused() {
    assertMessage(
        "kdf dklen must be 32 but is 64", mutateVector(root -> kdfParams(root).put("dklen", 64)));
    assertMessage(
        "invalid kdf params: pbkdf2 iterations c must be at least 1 but is 0",
        mutateVector(root -> kdfParams(root).put("c", 0)));
    assertMessage(
        "invalid kdf params: pbkdf2 iterations c=4194305 exceed the limit of 4194304 (2^22)",
        mutateVector(root -> kdfParams(root).put("c", (1 << 22) + 1)));
    assertMessage(
        "kdf param 'c' is missing or not a 32-bit integer",
        mutateVector(root -> kdfParams(root).put("c", 1L << 40)));
    assertMessage(
        "kdf param 'c' is missing or not a 32-bit integer",
        mutateVector(root -> kdfParams(root).put("c", "262144")));
    assertMessage(
        "invalid kdf params: kdf salt must be 1 to 1024 bytes",
        mutateVector(root -> kdfParams(root).put("salt", "")));

    assertMessage(
        "invalid kdf params: scrypt n must be a power of two >= 2 but is 262143",
        mutateScrypt(root -> kdfParams(root).put("n", 262143)));
    assertMessage(
        "invalid kdf params: scrypt memory 128*r*n = 536870912 bytes (n=524288, r=8) exceeds the"
            + " limit of 268435456 bytes (256 MiB)",
        mutateScrypt(root -> kdfParams(root).put("n", 1 << 19)));
    assertMessage(
        "invalid kdf params: scrypt memory 128*r*n = 2147483648 bytes (n=262144, r=64) exceeds the"
            + " limit of 268435456 bytes (256 MiB)",
        mutateScrypt(root -> kdfParams(root).put("r", 64)));
    assertMessage(
        "invalid kdf params: scrypt memory 128*r*p = 33554432 bytes (r=16384, p=16) exceeds the"
            + " limit of 16777216 bytes (16 MiB)",
        mutateScrypt(root -> kdfParams(root).put("n", 2).put("r", 1 << 14).put("p", 16)));
    assertMessage(
        "invalid kdf params: scrypt needs r >= 1 and 1 <= p <= 16 but r=8, p=17",
        mutateScrypt(root -> kdfParams(root).put("p", 17)));
  }

  @Test
  void malformedFieldsAreRefused() {
    assertMessage(
        "field 'crypto.cipher.params.iv' must be 16 bytes but is 15",
        mutateVector(
            root ->
                root.withObjectProperty("crypto")
                    .withObjectProperty("cipher")
                    .withObjectProperty("params")
                    .put("iv", "00".repeat(15))));
    assertMessage(
        "field 'crypto.cipher.message' must be 32 bytes but is 33",
        mutateVector(
            root ->
                root.withObjectProperty("crypto")
                    .withObjectProperty("cipher")
                    .put("message", "00".repeat(33))));
    assertMessage(
        "field 'crypto.checksum.message' is not hex",
        mutateVector(
            root ->
                root.withObjectProperty("crypto")
                    .withObjectProperty("checksum")
                    .put("message", "zz".repeat(32))));
    assertMessage(
        "missing or non-object field 'crypto'", mutateVector(root -> root.remove("crypto")));
    assertMessage(
        "invalid pubkey: expected 48 bytes of hex but got 47",
        mutateVector(root -> root.put("pubkey", OTHER_PUBKEY.substring(2))));
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static ObjectNode kdf(ObjectNode root) {
    return root.withObjectProperty("crypto").withObjectProperty("kdf");
  }

  private static ObjectNode kdfParams(ObjectNode root) {
    return kdf(root).withObjectProperty("params");
  }

  private static String mutate(String vector, Consumer<ObjectNode> change) {
    try {
      ObjectNode root = (ObjectNode) TestVectors.JSON.readTree(TestVectors.keystoreJson(vector));
      change.accept(root);
      return TestVectors.JSON.writeValueAsString(root);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String mutateVector(Consumer<ObjectNode> change) {
    return mutate(PBKDF2_VECTOR, change);
  }

  private static String mutateScrypt(Consumer<ObjectNode> change) {
    return mutate(SCRYPT_VECTOR, change);
  }

  private static void flipHexDigit(ObjectNode node, String field) {
    String hex = node.get(field).textValue();
    char flipped = hex.charAt(0) == '0' ? '1' : '0';
    node.put(field, flipped + hex.substring(1));
  }

  private static void assertMessage(String expected, String json) {
    KeystoreException e = assertThrows(KeystoreException.class, () -> parse(json));
    assertEquals(expected, e.getMessage());
  }

  private interface Action {
    void run() throws Exception;
  }

  private static void assertKind(KeystoreException.Kind kind, Action action) {
    KeystoreException e = assertThrows(KeystoreException.class, action::run);
    assertEquals(kind, e.kind());
  }
}
