package dev.palisade.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.eth2.Hex;
import dev.palisade.evm.EvmSignature;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every signature of the ethers vectors (RFC 6979, low s) reproduced from the vector's digest, and
 * every test key's public key and checksummed address.
 */
class Secp256k1VectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<JsonNode> load(String file) throws IOException {
    try (InputStream in = Secp256k1VectorsTest.class.getResourceAsStream("/vectors/evm/" + file)) {
      List<JsonNode> out = new ArrayList<>();
      JSON.readTree(in).forEach(out::add);
      return out;
    }
  }

  static Stream<Arguments> signatures() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode v : load("transactions.json")) {
      cases.add(Arguments.of(v.get("name").asText(), v, v.get("signingHash").asText()));
    }
    for (String file : List.of("eip191.json", "eip712.json")) {
      for (JsonNode v : load(file)) {
        cases.add(Arguments.of(v.get("name").asText(), v, v.get("digest").asText()));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signatures")
  void signsLikeTheVector(String name, JsonNode vector, String digest) {
    try (SecretBytes secret = SecretBytes.takeOwnership(Hex.decode(vector.get("secretKey").asText()));
        Secp256k1SecretKey key = Secp256k1SecretKey.fromBytes(secret)) {
      assertEquals(vector.get("address").asText(), key.address().toString());
      EvmSignature signature = key.sign(Hex.decode(digest));
      JsonNode expected = vector.get("signature");
      assertEquals(expected.get("r").asText(), Hex.encode(signature.r()));
      assertEquals(expected.get("s").asText(), Hex.encode(signature.s()));
      assertEquals(expected.get("yParity").asInt(), signature.yParity());
      assertEquals(expected.get("serialized").asText(), signature.toRsvHex());
    }
  }

  @Test
  void keysHaveTheVectorsPublicKeyAndAddress() throws IOException {
    for (JsonNode v : load("keys.json")) {
      try (SecretBytes secret = SecretBytes.takeOwnership(Hex.decode(v.get("secretKey").asText()));
          Secp256k1SecretKey key = Secp256k1SecretKey.fromBytes(secret)) {
        assertEquals(v.get("publicKey").asText(), Hex.encode(key.publicKey()));
        assertEquals(v.get("address").asText(), key.address().toString());
      }
    }
  }

  @Test
  void refusesInvalidSecretsAndWipes() {
    assertThrows(IllegalArgumentException.class,
        () -> Secp256k1SecretKey.fromBytes(SecretBytes.takeOwnership(new byte[32])));
    byte[] order = Hex.decode("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    assertThrows(IllegalArgumentException.class,
        () -> Secp256k1SecretKey.fromBytes(SecretBytes.takeOwnership(order)));
    Secp256k1SecretKey key = Secp256k1SecretKey.generate(new java.security.SecureRandom());
    key.close();
    assertThrows(IllegalStateException.class, () -> key.sign(new byte[32]));
    assertEquals(false, key.toString().matches(".*[0-9a-f]{64}.*"));
  }
}
