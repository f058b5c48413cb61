package dev.palisade.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.signing.InvalidRequestException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input names its field; ERC-20 calls decode; policy-facing fields are exposed. */
class TransactionJsonTest {
  static ObjectNode vector(int index) throws IOException {
    return VectorJson.rpcTransaction(VectorJson.load("transactions.json").get(index));
  }

  static String field(ObjectNode tx) {
    return assertThrows(InvalidRequestException.class, () -> TransactionJson.parse(tx, "tx")).field();
  }

  @Test
  void badFieldsAreNamed() throws IOException {
    ObjectNode eip155 = vector(0);
    eip155.remove("chainId");
    assertEquals("tx.chainId", field(eip155), "no replayable pre-EIP-155 signature");
    ObjectNode badGas = vector(0);
    badGas.put("gas", "0x-1");
    assertEquals("tx.gas", field(badGas));
    ObjectNode tooBig = vector(0);
    tooBig.put("value", "0x1" + "0".repeat(64));
    assertEquals("tx.value", field(tooBig));
    ObjectNode legacyWithTip = vector(0);
    legacyWithTip.put("maxFeePerGas", "0x1");
    legacyWithTip.put("type", "0x0");
    assertEquals("tx.maxFeePerGas", field(legacyWithTip));
    ObjectNode badTo = vector(0);
    badTo.put("to", "0x3535353535353535353535353535353535353535".replace("0x35", "0xAb"));
    assertEquals("tx.to", field(badTo), "mixed case with a wrong EIP-55 checksum");
    ObjectNode tipAboveFee = vector(3);
    tipAboveFee.put("maxPriorityFeePerGas", "0xffffffffffffffff");
    assertEquals("tx.maxPriorityFeePerGas", field(tipAboveFee));
    ObjectNode noBlobs = vector(6);
    noBlobs.putArray("blobVersionedHashes");
    assertEquals("tx.blobVersionedHashes", field(noBlobs));
    ObjectNode badAccess = vector(2);
    badAccess.putArray("accessList").addObject().put("address", "0x00").putArray("storageKeys");
    assertEquals("tx.accessList[0].address", field(badAccess));
    ObjectNode disagree = vector(0);
    disagree.put("gasLimit", "0x1");
    assertEquals("tx.gas", field(disagree));
    ObjectNode badType = vector(0);
    badType.put("type", "0x5");
    assertEquals("tx.type", field(badType));
  }

  @Test
  void typeIsInferredLikeGethWhenAbsent() throws IOException {
    ObjectNode eip1559 = vector(3);
    eip1559.remove("type");
    assertEquals(2, TransactionJson.parse(eip1559, "tx").type());
    ObjectNode legacy = vector(0);
    legacy.remove("type");
    assertEquals(0, TransactionJson.parse(legacy, "tx").type());
  }

  @Test
  void erc20SelectorsAreTheKeccakOfTheirSignatures() {
    for (var entry : List.of(List.of("transfer(address,uint256)", Erc20Call.TRANSFER),
        List.of("approve(address,uint256)", Erc20Call.APPROVE),
        List.of("transferFrom(address,address,uint256)", Erc20Call.TRANSFER_FROM))) {
      byte[] hash = Keccak.hash(((String) entry.get(0)).getBytes(StandardCharsets.US_ASCII));
      assertEquals(entry.get(1), new BigInteger(1, java.util.Arrays.copyOf(hash, 4)).intValue());
    }
  }

  @Test
  void erc20CallsDecodeAndOddDataDoesNot() {
    String recipient = "000000000000000000000000" + "35".repeat(20);
    String amount = "00".repeat(31) + "64";
    var transfer = Erc20Call.decode(Hex.decode("0xa9059cbb" + recipient + amount)).orElseThrow();
    assertEquals(new Erc20Call.Transfer(Address.parse("0x" + "35".repeat(20)), BigInteger.valueOf(100)), transfer);
    var from = Erc20Call.decode(Hex.decode("0x23b872dd" + recipient + recipient + amount)).orElseThrow();
    assertTrue(from instanceof Erc20Call.TransferFrom);
    assertTrue(Erc20Call.decode(Hex.decode("0xa9059cbb" + "ff".repeat(12) + "35".repeat(20) + amount)).isEmpty(),
        "an address word with dirty upper bytes is not an ERC-20 call");
    assertTrue(Erc20Call.decode(Hex.decode("0xa9059cbb" + recipient)).isEmpty(), "too short");
    assertTrue(Erc20Call.decode(Hex.decode("0x095ea7b3" + recipient + amount + "00")).isEmpty(), "trailing byte");
  }

  @Test
  void policyFieldsAreExposed() throws IOException {
    EvmTransaction blob = TransactionJson.parse(vector(6), "tx");
    assertEquals(3, blob.type());
    BigInteger expected = blob.gasLimit().multiply(blob.maxFeePerGas()).add(EvmTransaction.GAS_PER_BLOB
        .multiply(BigInteger.valueOf(blob.blobVersionedHashes().size())).multiply(blob.maxFeePerBlobGas()));
    assertEquals(expected, blob.maxGasCost());
    EvmTransaction delegation = TransactionJson.parse(vector(7), "tx");
    assertEquals(4, delegation.type());
    assertEquals(1, delegation.authorizationList().size());
    TypedData mail = TypedData.parse(VectorJson.load("eip712.json").get(0).get("typedData"), "typedData");
    assertEquals(BigInteger.ONE, mail.eip712Domain().chainId());
    assertEquals("0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC", mail.eip712Domain().verifyingContract().toString());
  }

  @Test
  void toJsonRoundTripsEveryVector() throws IOException {
    for (var v : VectorJson.load("transactions.json")) {
      EvmTransaction tx = TransactionJson.parse(VectorJson.rpcTransaction(v), "tx");
      assertEquals(v.get("unsignedSerialized").asText(),
          Hex.encode(TransactionJson.parse(TransactionJson.toJson(tx), "tx").unsignedEncoding()));
    }
    for (var v : VectorJson.load("eip712.json")) {
      TypedData data = TypedData.parse(v.get("typedData"), "typedData");
      assertEquals(v.get("digest").asText(), Hex.encode(TypedData.parse(data.toJson(), "typedData").digest()));
    }
  }

  @Test
  void typedDataErrorsNameThePath() throws IOException {
    ObjectNode doc = (ObjectNode) VectorJson.load("eip712.json").get(0).get("typedData").deepCopy();
    ((ObjectNode) doc.get("message").get("from")).remove("wallet");
    assertEquals("typedData.message.from.wallet",
        assertThrows(InvalidRequestException.class, () -> TypedData.parse(doc, "typedData")).field());
    ObjectNode permit = (ObjectNode) VectorJson.load("eip712.json").get(1).get("typedData").deepCopy();
    ((ObjectNode) permit.get("message")).put("nonce", "-1");
    assertEquals("typedData.message.nonce",
        assertThrows(InvalidRequestException.class, () -> TypedData.parse(permit, "typedData")).field());
  }
}
