package dev.palisade.evm;

import static dev.palisade.evm.EvmJson.optionalQuantity;
import static dev.palisade.evm.EvmJson.present;
import static dev.palisade.evm.EvmJson.quantity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.eth2.signing.InvalidRequestException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses the eth_signTransaction object (hex quantities, {@code to} null or absent for a creation;
 * {@code gas}/{@code gasLimit} and {@code input}/{@code data} as ethers and geth spell them) into an
 * {@link EvmTransaction}, refusing fields the type does not have rather than silently dropping them.
 */
public final class TransactionJson {
  private static final int BLOB_HASH_VERSION_KZG = 0x01;

  private TransactionJson() {}

  public static EvmTransaction parse(JsonNode tx, String path) {
    if (tx == null || !tx.isObject()) {
      throw new InvalidRequestException(path, "must be a transaction object");
    }
    int type = type(tx, path);
    requireAbsent(tx, path, type);
    BigInteger chainId = optionalQuantity(tx, "chainId", path + ".chainId");
    if (chainId == null || chainId.signum() == 0) {
      // Without EIP-155 a legacy signature replays on every chain: never produce one.
      throw new InvalidRequestException(path + ".chainId", "is required (no replayable pre-EIP-155 signatures)");
    }
    BigInteger nonce = quantity(tx, "nonce", path + ".nonce");
    BigInteger gasLimit = alias(tx, "gas", "gasLimit", path);
    BigInteger gasPrice = type <= 1 ? quantity(tx, "gasPrice", path + ".gasPrice") : null;
    BigInteger tip = type >= 2 ? quantity(tx, "maxPriorityFeePerGas", path + ".maxPriorityFeePerGas") : null;
    BigInteger maxFee = type >= 2 ? quantity(tx, "maxFeePerGas", path + ".maxFeePerGas") : null;
    if (tip != null && tip.compareTo(maxFee) > 0) {
      throw new InvalidRequestException(path + ".maxPriorityFeePerGas", "exceeds maxFeePerGas");
    }
    Address to = present(tx, "to") ? EvmJson.address(tx, "to", path + ".to") : null;
    if (to == null && type >= 3) {
      throw new InvalidRequestException(path + ".to", "is required for type " + type);
    }
    BigInteger value = present(tx, "value") ? quantity(tx, "value", path + ".value") : BigInteger.ZERO;
    byte[] data = input(tx, path);
    List<AccessListEntry> accessList = type >= 1 ? accessList(tx.get("accessList"), path + ".accessList") : List.of();
    BigInteger blobFee = type == 3 ? quantity(tx, "maxFeePerBlobGas", path + ".maxFeePerBlobGas") : null;
    List<byte[]> blobHashes = type == 3 ? blobHashes(tx.get("blobVersionedHashes"), path + ".blobVersionedHashes") : List.of();
    List<Authorization> authorizations =
        type == 4 ? authorizations(tx.get("authorizationList"), path + ".authorizationList") : List.of();
    return new EvmTransaction(type, chainId, nonce, gasLimit, gasPrice, tip, maxFee, to, value, data,
        accessList, blobFee, blobHashes, authorizations);
  }

  /** An explicit type, else the one the present fields imply (as geth and ethers infer it). */
  private static int type(JsonNode tx, String path) {
    if (present(tx, "type")) {
      BigInteger type = quantity(tx, "type", path + ".type");
      if (type.compareTo(BigInteger.valueOf(4)) > 0) {
        throw new InvalidRequestException(path + ".type", "unsupported transaction type " + type);
      }
      return type.intValue();
    }
    if (present(tx, "authorizationList")) {
      return 4;
    }
    if (present(tx, "blobVersionedHashes")) {
      return 3;
    }
    if (present(tx, "maxFeePerGas") || present(tx, "maxPriorityFeePerGas")) {
      return 2;
    }
    return present(tx, "accessList") ? 1 : 0;
  }

  private static void requireAbsent(JsonNode tx, String path, int type) {
    Set<String> foreign = switch (type) {
      case 0 -> Set.of("maxFeePerGas", "maxPriorityFeePerGas", "accessList", "maxFeePerBlobGas",
          "blobVersionedHashes", "authorizationList");
      case 1 -> Set.of("maxFeePerGas", "maxPriorityFeePerGas", "maxFeePerBlobGas", "blobVersionedHashes",
          "authorizationList");
      case 2 -> Set.of("gasPrice", "maxFeePerBlobGas", "blobVersionedHashes", "authorizationList");
      case 3 -> Set.of("gasPrice", "authorizationList");
      default -> Set.of("gasPrice", "maxFeePerBlobGas", "blobVersionedHashes");
    };
    for (String name : foreign) {
      if (present(tx, name)) {
        throw new InvalidRequestException(path + "." + name, "is not a field of a type " + type + " transaction");
      }
    }
    if (tx.has("blobs") || tx.has("sidecars")) {
      throw new InvalidRequestException(path + ".blobs", "blob sidecars are not signed; send the versioned hashes");
    }
  }

  private static BigInteger alias(JsonNode tx, String name, String alias, String path) {
    BigInteger a = optionalQuantity(tx, name, path + "." + name);
    BigInteger b = optionalQuantity(tx, alias, path + "." + alias);
    if (a != null && b != null && !a.equals(b)) {
      throw new InvalidRequestException(path + "." + name, "disagrees with " + alias);
    }
    if (a == null && b == null) {
      throw new InvalidRequestException(path + "." + name, "is required");
    }
    return a != null ? a : b;
  }

  private static byte[] input(JsonNode tx, String path) {
    byte[] input = present(tx, "input") ? EvmJson.bytes(tx, "input", path + ".input", -1) : null;
    byte[] data = present(tx, "data") ? EvmJson.bytes(tx, "data", path + ".data", -1) : null;
    if (input != null && data != null && !java.util.Arrays.equals(input, data)) {
      throw new InvalidRequestException(path + ".input", "disagrees with data");
    }
    return input != null ? input : data != null ? data : new byte[0];
  }

  private static List<AccessListEntry> accessList(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    List<AccessListEntry> entries = new ArrayList<>();
    for (JsonNode entry : array(node, path)) {
      String at = path + "[" + entries.size() + "]";
      List<byte[]> keys = new ArrayList<>();
      JsonNode keyNodes = entry.get("storageKeys");
      if (keyNodes != null && !keyNodes.isNull()) {
        for (JsonNode key : array(keyNodes, at + ".storageKeys")) {
          keys.add(EvmJson.bytes(key, at + ".storageKeys[" + keys.size() + "]", 32));
        }
      }
      entries.add(new AccessListEntry(EvmJson.address(entry, "address", at + ".address"), keys));
    }
    return entries;
  }

  private static List<byte[]> blobHashes(JsonNode node, String path) {
    List<byte[]> hashes = new ArrayList<>();
    for (JsonNode hash : array(node, path)) {
      byte[] bytes = EvmJson.bytes(hash, path + "[" + hashes.size() + "]", 32);
      if ((bytes[0] & 0xff) != BLOB_HASH_VERSION_KZG) {
        throw new InvalidRequestException(path + "[" + hashes.size() + "]", "is not a KZG versioned hash (0x01…)");
      }
      hashes.add(bytes);
    }
    if (hashes.isEmpty()) {
      throw new InvalidRequestException(path, "must hold at least one blob hash");
    }
    return hashes;
  }

  private static List<Authorization> authorizations(JsonNode node, String path) {
    List<Authorization> list = new ArrayList<>();
    for (JsonNode auth : array(node, path)) {
      String at = path + "[" + list.size() + "]";
      BigInteger yParity = quantity(auth, "yParity", at + ".yParity");
      if (yParity.compareTo(BigInteger.ONE) > 0) {
        throw new InvalidRequestException(at + ".yParity", "must be 0 or 1");
      }
      list.add(new Authorization(quantity(auth, "chainId", at + ".chainId"),
          EvmJson.address(auth, "address", at + ".address"), quantity(auth, "nonce", at + ".nonce"),
          yParity.intValue(), quantity(auth, "r", at + ".r"), quantity(auth, "s", at + ".s")));
    }
    if (list.isEmpty()) {
      throw new InvalidRequestException(path, "must hold at least one authorization");
    }
    return list;
  }

  /**
   * The eth_signTransaction object of a parsed transaction (hex quantities), so that a vault in
   * another process re-parses exactly what it signs: {@code parse(toJson(tx))} equals {@code tx}.
   */
  public static com.fasterxml.jackson.databind.node.ObjectNode toJson(EvmTransaction tx) {
    var json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    json.put("type", hex(BigInteger.valueOf(tx.type())));
    json.put("chainId", hex(tx.chainId()));
    json.put("nonce", hex(tx.nonce()));
    json.put("gas", hex(tx.gasLimit()));
    if (tx.gasPrice() != null) {
      json.put("gasPrice", hex(tx.gasPrice()));
    }
    if (tx.maxFeePerGas() != null) {
      json.put("maxPriorityFeePerGas", hex(tx.maxPriorityFeePerGas()));
      json.put("maxFeePerGas", hex(tx.maxFeePerGas()));
    }
    if (tx.to() != null) {
      json.put("to", tx.to().lowerHex());
    }
    json.put("value", hex(tx.value()));
    json.put("input", dev.palisade.eth2.Hex.encode(tx.data()));
    if (tx.type() >= 1) {
      var list = json.putArray("accessList");
      for (AccessListEntry entry : tx.accessList()) {
        var item = list.addObject().put("address", entry.address().lowerHex());
        var keys = item.putArray("storageKeys");
        entry.storageKeys().forEach(k -> keys.add(dev.palisade.eth2.Hex.encode(k)));
      }
    }
    if (tx.type() == 3) {
      json.put("maxFeePerBlobGas", hex(tx.maxFeePerBlobGas()));
      var hashes = json.putArray("blobVersionedHashes");
      tx.blobVersionedHashes().forEach(h -> hashes.add(dev.palisade.eth2.Hex.encode(h)));
    }
    if (tx.type() == 4) {
      var auths = json.putArray("authorizationList");
      for (Authorization a : tx.authorizationList()) {
        auths.addObject().put("chainId", hex(a.chainId())).put("address", a.address().lowerHex())
            .put("nonce", hex(a.nonce())).put("yParity", hex(BigInteger.valueOf(a.yParity())))
            .put("r", hex(a.r())).put("s", hex(a.s()));
      }
    }
    return json;
  }

  private static String hex(BigInteger value) {
    return "0x" + value.toString(16);
  }

  private static Iterable<JsonNode> array(JsonNode node, String path) {
    if (node == null || !node.isArray()) {
      throw new InvalidRequestException(path, "must be an array");
    }
    return node;
  }
}
