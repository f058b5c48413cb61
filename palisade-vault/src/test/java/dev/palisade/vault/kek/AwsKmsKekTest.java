package dev.palisade.vault.kek;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.SecretBytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.vault.TestKeys;
import dev.palisade.vault.keys.KeySealer;
import dev.palisade.vault.seal.AesGcm;
import dev.palisade.vault.seal.KeyBinding;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The aws-kms KEK against a local stub of KMS (no AWS endpoint is contacted). */
class AwsKmsKekTest {
  private static final StaticCredentialsProvider FAKE_CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDPALISADETEST", "fake-secret"));
  private static final OperatorId OPERATOR = new OperatorId("operator-1");
  private KmsStub stub;
  private AwsKmsKek kek;

  @BeforeEach
  void start() throws Exception {
    stub = new KmsStub();
    kek = AwsKmsKek.open(
        new AwsKmsConfig(KmsStub.KEY_ARN, "eu-west-1", Optional.of(stub.endpoint())), FAKE_CREDENTIALS);
  }

  @AfterEach
  void stop() {
    kek.close();
    stub.close();
  }

  @Test
  void sealsWithGenerateDataKeyAndOpensWithDecryptUnderTheBindingContext() throws Exception {
    try (BlsSecretKey key = TestKeys.random(new Random(1))) {
      SealedKey sealed = KeySealer.seal(key, OPERATOR, kek);
      assertEquals("aws-kms:" + KmsStub.KEY_ARN, sealed.kekId());
      try (BlsSecretKey opened = KeySealer.open(sealed, kek)) {
        assertEquals(key.sign(Bytes32.ZERO), opened.sign(Bytes32.ZERO));
      }
      Map<String, String> expected =
          Map.of(
              "palisade:pubkey", key.publicKey().toHex(),
              "palisade:operator", "operator-1",
              "palisade:format", "1");
      assertEquals(1, stub.count("GenerateDataKey"));
      assertEquals(1, stub.count("Decrypt"));
      for (KmsStub.Call call : stub.calls) {
        assertEquals(expected, call.encryptionContext(), call.operation());
        assertTrue(call.signed(), "the SDK signs every request with SigV4");
      }
    }
  }

  @Test
  void recordMovedOntoAnotherKeyIsRefusedByKms() throws Exception {
    try (BlsSecretKey key = TestKeys.random(new Random(2))) {
      SealedKey sealed = KeySealer.seal(key, OPERATOR, kek);
      SealedKey moved =
          new SealedKey(TestKeys.random(new Random(3)).publicKey(), OPERATOR, 1, sealed.kekId(),
              sealed.wrappedDek(), sealed.keyNonce(), sealed.keyCiphertext());
      SealedKeyException e = assertThrows(SealedKeyException.class, () -> KeySealer.open(moved, kek));
      assertEquals(SealedKeyException.Kind.BINDING_MISMATCH, e.kind());
    }
  }

  @Test
  void wrapsAnExistingDataKeyForRotation() throws Exception {
    KeyBinding binding = new KeyBinding(TestKeys.random(new Random(4)).publicKey(), OPERATOR, 1);
    byte[] dataKey = AesGcm.randomBytes(32);
    byte[] wrapped = kek.wrap(SecretBytes.copyOf(dataKey), binding);
    try (SecretBytes unwrapped = kek.unwrap(wrapped, binding)) {
      assertArrayEquals(dataKey, unwrapped.array());
    }
    assertEquals(1, stub.count("Encrypt"));
  }

  @Test
  void unknownKeyIsNotFound() throws Exception {
    try (AwsKmsKek unknown =
        AwsKmsKek.open(
            new AwsKmsConfig("alias/does-not-exist", "eu-west-1", Optional.of(stub.endpoint())),
            FAKE_CREDENTIALS)) {
      KeyBinding binding = new KeyBinding(TestKeys.random(new Random(5)).publicKey(), OPERATOR, 1);
      assertEquals(KekException.Kind.NOT_FOUND,
          assertThrows(KekException.class, () -> unknown.newDataKey(binding)).kind());
    }
  }

  @Test
  void unreachableKmsIsUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (AwsKmsKek unreachable =
        AwsKmsKek.open(
            new AwsKmsConfig(KmsStub.KEY_ARN, "eu-west-1",
                Optional.of(URI.create("http://127.0.0.1:" + closedPort))),
            FAKE_CREDENTIALS)) {
      KeyBinding binding = new KeyBinding(TestKeys.random(new Random(6)).publicKey(), OPERATOR, 1);
      assertEquals(KekException.Kind.UNAVAILABLE,
          assertThrows(KekException.class, () -> unreachable.newDataKey(binding)).kind());
    }
  }
}
