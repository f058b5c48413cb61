package dev.palisade.evm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.signing.InvalidRequestException;
import java.nio.charset.StandardCharsets;

/**
 * The typed REST bodies ({@code /api/v1/evm/{address}/sign/transaction|eip191|eip712} and eth1 sign's
 * {@code {"data"}}) parsed into what is signed: one parser for the API and the CLI's policy dry run.
 */
public final class EvmRequestBodies {
  private EvmRequestBodies() {}

  /** {@code kind}: transaction, eip191, eip712 or raw. */
  public static EvmSigningRequest parse(String kind, JsonNode body, Address signer) {
    return switch (kind) {
      case "transaction" -> new EvmSigningRequest.Transaction(transaction(body, signer, "transaction"));
      case "eip191" -> new EvmSigningRequest.PersonalSign(personal(body));
      case "eip712" -> new EvmSigningRequest.TypedDataSign(TypedData.parse(body, "typedData"));
      case "raw" -> new EvmSigningRequest.RawData(EvmJson.bytes(body, "data", "data", -1));
      default -> throw new InvalidRequestException("kind", "must be transaction, eip191, eip712 or raw");
    };
  }

  /** A transaction object; {@code from}, when given, must be the signing account. */
  public static EvmTransaction transaction(JsonNode tx, Address signer, String path) {
    if (tx != null && tx.hasNonNull("from") && !EvmJson.address(tx, "from", path + ".from").equals(signer)) {
      throw new InvalidRequestException(path + ".from", "is not the signing account " + signer);
    }
    return TransactionJson.parse(tx, path);
  }

  /** {"message": "...", "encoding": "utf8" | "hex"}: text is signed as its UTF-8 bytes. */
  public static PersonalMessage personal(JsonNode json) {
    String text = EvmJson.text(json, "message", "message");
    String encoding = json.hasNonNull("encoding") ? json.get("encoding").asText() : "utf8";
    return switch (encoding) {
      case "utf8" -> new PersonalMessage(text.getBytes(StandardCharsets.UTF_8));
      case "hex" -> new PersonalMessage(EvmJson.bytes(json, "message", "message", -1));
      default -> throw new InvalidRequestException("encoding", "must be utf8 or hex");
    };
  }
}
