package dev.palisade.vault.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.eth2.signing.InvalidRequestException;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmSignature;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.evm.PersonalMessage;
import dev.palisade.evm.TransactionJson;
import dev.palisade.evm.TypedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code SIGN_EVM} payloads: address 20 ‖ u8 kind ‖ body, where the body is the typed content the
 * vault parses and hashes itself — transaction JSON (1), EIP-191 message bytes (2), EIP-712 document
 * JSON (3), raw data (4, signed as keccak256(data)). As for BLS, no kind carries a bare digest.
 * The answer is {@code OK_EVM_SIGNATURE}: r 32 ‖ s 32 ‖ yParity 1.
 */
final class EvmWire {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final byte TX = 1;
  static final byte EIP191 = 2;
  static final byte EIP712 = 3;
  static final byte RAW = 4;

  private EvmWire() {}

  static byte[] encode(Address address, EvmSigningRequest request) {
    byte kind;
    byte[] body;
    if (request instanceof EvmSigningRequest.Transaction t) {
      kind = TX;
      body = VaultProtocol.utf8(TransactionJson.toJson(t.transaction()).toString());
    } else if (request instanceof EvmSigningRequest.PersonalSign p) {
      kind = EIP191;
      body = p.message().message();
    } else if (request instanceof EvmSigningRequest.TypedDataSign d) {
      kind = EIP712;
      body = VaultProtocol.utf8(d.typedData().toJson().toString());
    } else {
      kind = RAW;
      body = ((EvmSigningRequest.RawData) request).data();
    }
    return ByteBuffer.allocate(21 + body.length).put(address.bytes()).put(kind).put(body).array();
  }

  static Address address(byte[] payload) {
    return new Address(Arrays.copyOf(payload, 20));
  }

  /** @throws InvalidRequestException when the body is not valid typed content of its kind */
  static EvmSigningRequest decode(byte[] payload) {
    if (payload.length < 21) {
      throw new InvalidRequestException(null, "SIGN_EVM takes a 20-byte address, a kind and a body");
    }
    byte[] body = Arrays.copyOfRange(payload, 21, payload.length);
    try {
      return switch (payload[20]) {
        case TX -> new EvmSigningRequest.Transaction(TransactionJson.parse(JSON.readTree(body), "transaction"));
        case EIP191 -> new EvmSigningRequest.PersonalSign(new PersonalMessage(body));
        case EIP712 -> new EvmSigningRequest.TypedDataSign(TypedData.parse(JSON.readTree(body), "typedData"));
        case RAW -> new EvmSigningRequest.RawData(body);
        default -> throw new InvalidRequestException(null, "unknown EVM request kind " + payload[20]);
      };
    } catch (IOException e) {
      throw new InvalidRequestException(null, "EVM request body is not valid JSON");
    }
  }

  static byte[] encode(EvmSignature signature) {
    return ByteBuffer.allocate(65).put(signature.r()).put(signature.s()).put((byte) signature.yParity()).array();
  }

  static EvmSignature decodeSignature(byte[] payload) {
    if (payload.length != 65 || (payload[64] & 0xfe) != 0) {
      throw new IllegalArgumentException("an EVM signature answer is r 32 ‖ s 32 ‖ yParity 1");
    }
    return new EvmSignature(Arrays.copyOf(payload, 32), Arrays.copyOfRange(payload, 32, 64), payload[64]);
  }
}
