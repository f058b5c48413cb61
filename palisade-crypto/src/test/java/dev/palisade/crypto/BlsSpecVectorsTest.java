package dev.palisade.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Hex;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** ethereum/bls12-381-tests v0.1.2: one test per case of sign, verify and deserialization_G1/G2. */
class BlsSpecVectorsTest {

  static List<Path> signCases() {
    return TestVectors.blsCases("sign");
  }

  static List<Path> verifyCases() {
    return TestVectors.blsCases("verify");
  }

  static List<Path> g1Cases() {
    return TestVectors.blsCases("deserialization_G1");
  }

  static List<Path> g2Cases() {
    return TestVectors.blsCases("deserialization_G2");
  }

  @Test
  void allCasesArePresent() {
    assertEquals(10, signCases().size());
    assertEquals(29, verifyCases().size());
    assertEquals(13, g1Cases().size());
    assertEquals(15, g2Cases().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signCases")
  void sign(Path file) {
    JsonNode testCase = TestVectors.readJson(file);
    byte[] secret = Hex.decode(testCase.at("/input/privkey").textValue());
    byte[] message = Hex.decode(testCase.at("/input/message").textValue());
    JsonNode output = testCase.get("output");

    if (output.isNull()) {
      assertThrows(IllegalArgumentException.class, () -> BlsSecretKey.fromBytes(secret));
      return;
    }
    try (BlsSecretKey key = BlsSecretKey.fromBytes(secret)) {
      BlsSignature signature = key.sign(message);
      assertEquals(BlsSignature.fromHex(output.textValue()), signature);
      assertEquals(output.textValue(), signature.toHex());
      assertTrue(Bls.verify(key.publicKey(), message, signature));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("verifyCases")
  void verify(Path file) {
    JsonNode testCase = TestVectors.readJson(file);
    boolean expected = testCase.get("output").booleanValue();
    assertTrue(testCase.get("output").isBoolean());

    boolean actual;
    try {
      BlsPublicKey publicKey = BlsPublicKey.fromHex(testCase.at("/input/pubkey").textValue());
      BlsSignature signature = BlsSignature.fromHex(testCase.at("/input/signature").textValue());
      byte[] message = Hex.decode(testCase.at("/input/message").textValue());
      actual = Bls.verify(publicKey, message, signature);
    } catch (IllegalArgumentException wrongLength) {
      actual = false;
    }
    assertEquals(expected, actual);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("g1Cases")
  void deserializationG1(Path file) {
    JsonNode testCase = TestVectors.readJson(file);
    assertTrue(testCase.get("output").isBoolean());
    boolean expected = testCase.get("output").booleanValue();
    byte[] bytes = Hex.decode(testCase.at("/input/pubkey").textValue());

    assertEquals(expected, Bls.isValidG1Point(bytes));
    if (bytes.length == BlsPublicKey.SIZE) {
      boolean isIdentity = (bytes[0] & 0xff) == 0xc0;
      assertEquals(expected && !isIdentity, Bls.isValidPublicKey(BlsPublicKey.wrap(bytes)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("g2Cases")
  void deserializationG2(Path file) {
    JsonNode testCase = TestVectors.readJson(file);
    assertTrue(testCase.get("output").isBoolean());
    boolean expected = testCase.get("output").booleanValue();
    byte[] bytes = Hex.decode(testCase.at("/input/signature").textValue());

    assertEquals(expected, Bls.isValidG2Point(bytes));
    if (bytes.length == BlsSignature.SIZE) {
      assertEquals(expected, Bls.isValidSignaturePoint(BlsSignature.wrap(bytes)));
    }
  }

  @Test
  void uncompressedEncodingsAreNotAccepted() {
    try (BlsSecretKey key =
        BlsSecretKey.fromBytes(
            Hex.decode("0x263dbd792f5b1be47ed85f8938c0f29586af0d3ac7b977f21c278fe1462040e3"))) {
      byte[] uncompressed = new supranational.blst.P1_Affine(key.publicKey().toArray()).serialize();
      assertEquals(96, uncompressed.length);
      assertFalse(Bls.isValidG1Point(uncompressed));
    }
  }
}
