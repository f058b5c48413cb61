package dev.palisade.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every digest and encoding of the ethers vectors (src/test/resources/vectors/evm, README there):
 * unsigned RLP, signing hash, signed RLP with the vector's signature, tx hash; EIP-191 and EIP-712
 * digests and domain separators. Signing itself is checked in palisade-crypto and through HTTP.
 */
class EvmVectorsTest {

  static Stream<Arguments> transactions() throws IOException {
    return VectorJson.load("transactions.json").stream().map(v -> Arguments.of(v.get("name").asText(), v));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transactions")
  void transaction(String name, JsonNode vector) {
    EvmTransaction tx = TransactionJson.parse(VectorJson.rpcTransaction(vector), "tx");
    assertEquals(vector.get("unsignedSerialized").asText(), Hex.encode(tx.unsignedEncoding()));
    assertEquals(vector.get("signingHash").asText(), Hex.encode(tx.signingHash()));
    byte[] signed = tx.signedEncoding(VectorJson.signature(vector));
    assertEquals(vector.get("signedSerialized").asText(), Hex.encode(signed));
    assertEquals(vector.get("txHash").asText(), Hex.encode(EvmTransaction.hash(signed)));
  }

  @Test
  void vectorCounts() throws IOException {
    assertEquals(71, VectorJson.load("transactions.json").size());
    assertEquals(15, VectorJson.load("eip191.json").size());
    assertEquals(13, VectorJson.load("eip712.json").size());
  }

  static Stream<Arguments> personal() throws IOException {
    return VectorJson.load("eip191.json").stream().map(v -> Arguments.of(v.get("name").asText(), v));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("personal")
  void personalSign(String name, JsonNode vector) {
    String message = vector.get("message").asText();
    PersonalMessage personal = vector.get("messageEncoding").asText().equals("hex")
        ? new PersonalMessage(Hex.decode(message))
        : new PersonalMessage(message.getBytes(StandardCharsets.UTF_8));
    assertEquals(vector.get("digest").asText(), Hex.encode(personal.digest()));
  }

  static Stream<Arguments> typed() throws IOException {
    return VectorJson.load("eip712.json").stream().map(v -> Arguments.of(v.get("name").asText(), v));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("typed")
  void typedData(String name, JsonNode vector) {
    TypedData data = TypedData.parse(vector.get("typedData"), "typedData");
    assertEquals(vector.get("domainSeparator").asText(), Hex.encode(data.domainSeparator()));
    assertEquals(vector.get("digest").asText(), Hex.encode(data.digest()));
  }

  @Test
  void addressesAreChecksummedAsInTheVectors() throws IOException {
    for (JsonNode key : VectorJson.load("keys.json")) {
      Address address = Address.ofPublicKey(Hex.decode(key.get("publicKey").asText()));
      assertEquals(key.get("address").asText(), address.toString());
    }
  }

  @Test
  void mailExampleMatchesTheEipText() throws IOException {
    List<JsonNode> typed = VectorJson.load("eip712.json");
    TypedData mail = TypedData.parse(typed.get(0).get("typedData"), "typedData");
    // From the EIP-712 text itself, independent of ethers.
    assertEquals("0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2", Hex.encode(mail.digest()));
    assertEquals("Mail(Person from,Person to,string contents)Person(string name,address wallet)",
        new TypedDataEncoder(mail).encodeType("Mail"));
  }
}
