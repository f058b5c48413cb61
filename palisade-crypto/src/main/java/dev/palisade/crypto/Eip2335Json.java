package dev.palisade.crypto;

import static dev.palisade.crypto.KeystoreException.Kind.INVALID_FORMAT;
import static dev.palisade.crypto.KeystoreException.Kind.UNSUPPORTED;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Hex;
import java.util.HexFormat;

/** The JSON form of an {@link Eip2335Keystore}: strict parsing (limits before anything else) and writing. */
final class Eip2335Json {
  private static final int CHECKSUM_BYTES = 32;
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final HexFormat HEX = HexFormat.of();

  private Eip2335Json() {}

  static Eip2335Keystore parse(String json) throws KeystoreException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new KeystoreException(INVALID_FORMAT, "keystore is not valid JSON" + where);
    }
    if (root == null || !root.isObject()) {
      throw new KeystoreException(INVALID_FORMAT, "keystore JSON must be an object");
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isIntegralNumber() || version.asLong() != Eip2335Keystore.VERSION) {
      throw new KeystoreException(
          UNSUPPORTED, "unsupported keystore version " + version + " (expected 4)");
    }
    JsonNode crypto = object(root, "crypto");
    Kdf kdf = parseKdf(object(crypto, "kdf"));

    JsonNode checksumNode = object(crypto, "checksum");
    String checksumFunction = text(checksumNode, "function", "crypto.checksum.function");
    if (!checksumFunction.equals("sha256")) {
      throw new KeystoreException(
          UNSUPPORTED, "unsupported checksum function '" + checksumFunction + "'");
    }
    byte[] checksum = hex(checksumNode, "message", "crypto.checksum.message", CHECKSUM_BYTES);

    JsonNode cipherNode = object(crypto, "cipher");
    String cipherFunction = text(cipherNode, "function", "crypto.cipher.function");
    if (!cipherFunction.equals("aes-128-ctr")) {
      throw new KeystoreException(UNSUPPORTED, "unsupported cipher '" + cipherFunction + "'");
    }
    byte[] iv = hex(object(cipherNode, "params"), "iv", "crypto.cipher.params.iv", Eip2335Keystore.IV_BYTES);
    byte[] ciphertext = hex(cipherNode, "message", "crypto.cipher.message", BlsSecretKey.SIZE);

    BlsPublicKey pubkey = null;
    String pubkeyHex = optionalText(root, "pubkey");
    if (pubkeyHex != null && !pubkeyHex.isEmpty()) {
      try {
        pubkey = BlsPublicKey.fromHex(pubkeyHex);
      } catch (IllegalArgumentException e) {
        throw new KeystoreException(INVALID_FORMAT, "invalid pubkey: " + e.getMessage());
      }
    }
    return new Eip2335Keystore(
        kdf,
        checksum,
        iv,
        ciphertext,
        pubkey,
        optionalText(root, "path"),
        optionalText(root, "uuid"),
        optionalText(root, "description"));
  }

  private static Kdf parseKdf(JsonNode kdfNode) throws KeystoreException {
    String function = text(kdfNode, "function", "crypto.kdf.function");
    if (!function.equals("scrypt") && !function.equals("pbkdf2")) {
      throw new KeystoreException(UNSUPPORTED, "unsupported kdf '" + function + "'");
    }
    JsonNode params = object(kdfNode, "params");
    int dklen = integer(params, "dklen");
    if (dklen != Kdf.DKLEN) {
      throw new KeystoreException(
          INVALID_FORMAT, "kdf dklen must be " + Kdf.DKLEN + " but is " + dklen);
    }
    byte[] salt = hex(params, "salt", "crypto.kdf.params.salt", -1);
    if (function.equals("pbkdf2")) {
      String prf = text(params, "prf", "crypto.kdf.params.prf");
      if (!prf.equals("hmac-sha256")) {
        throw new KeystoreException(UNSUPPORTED, "unsupported pbkdf2 prf '" + prf + "'");
      }
    }
    try {
      return function.equals("scrypt")
          ? new Kdf.Scrypt(integer(params, "n"), integer(params, "r"), integer(params, "p"), salt)
          : new Kdf.Pbkdf2(integer(params, "c"), salt);
    } catch (IllegalArgumentException e) {
      throw new KeystoreException(INVALID_FORMAT, "invalid kdf params: " + e.getMessage());
    }
  }

  private static JsonNode object(JsonNode parent, String field) throws KeystoreException {
    JsonNode node = parent.get(field);
    if (node == null || !node.isObject()) {
      throw new KeystoreException(INVALID_FORMAT, "missing or non-object field '" + field + "'");
    }
    return node;
  }

  private static String text(JsonNode parent, String field, String fullName)
      throws KeystoreException {
    JsonNode node = parent.get(field);
    if (node == null || !node.isTextual()) {
      throw new KeystoreException(INVALID_FORMAT, "missing or non-string field '" + fullName + "'");
    }
    return node.textValue();
  }

  private static String optionalText(JsonNode parent, String field) throws KeystoreException {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new KeystoreException(INVALID_FORMAT, "field '" + field + "' must be a string");
    }
    return node.textValue();
  }

  private static int integer(JsonNode params, String field) throws KeystoreException {
    JsonNode node = params.get(field);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new KeystoreException(
          INVALID_FORMAT, "kdf param '" + field + "' is missing or not a 32-bit integer");
    }
    return node.intValue();
  }

  /** Hex without (or with) 0x; {@code length} -1 accepts any length. */
  private static byte[] hex(JsonNode parent, String field, String fullName, int length)
      throws KeystoreException {
    String text = text(parent, field, fullName);
    byte[] bytes;
    try {
      bytes = Hex.decode(text);
    } catch (IllegalArgumentException e) {
      throw new KeystoreException(INVALID_FORMAT, "field '" + fullName + "' is not hex");
    }
    if (length >= 0 && bytes.length != length) {
      throw new KeystoreException(
          INVALID_FORMAT,
          "field '" + fullName + "' must be " + length + " bytes but is " + bytes.length);
    }
    return bytes;
  }

  static String write(
      Kdf kdf, byte[] checksum, byte[] iv, byte[] ciphertext, BlsPublicKey pubkey, String path,
      String uuid, String description) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode crypto = root.putObject("crypto");
    ObjectNode kdfNode = crypto.putObject("kdf");
    kdfNode.put("function", kdf.function());
    ObjectNode kdfParams = kdfNode.putObject("params");
    kdfParams.put("dklen", Kdf.DKLEN);
    if (kdf instanceof Kdf.Scrypt scrypt) {
      kdfParams.put("n", scrypt.n()).put("r", scrypt.r()).put("p", scrypt.p());
    } else if (kdf instanceof Kdf.Pbkdf2 pbkdf2) {
      kdfParams.put("c", pbkdf2.c()).put("prf", "hmac-sha256");
    }
    kdfParams.put("salt", HEX.formatHex(kdf.salt()));
    kdfNode.put("message", "");
    ObjectNode checksumNode = crypto.putObject("checksum");
    checksumNode.put("function", "sha256");
    checksumNode.putObject("params");
    checksumNode.put("message", HEX.formatHex(checksum));
    ObjectNode cipherNode = crypto.putObject("cipher");
    cipherNode.put("function", "aes-128-ctr");
    cipherNode.putObject("params").put("iv", HEX.formatHex(iv));
    cipherNode.put("message", HEX.formatHex(ciphertext));
    if (description != null) {
      root.put("description", description);
    }
    if (pubkey != null) {
      root.put("pubkey", HEX.formatHex(pubkey.toArray()));
    }
    root.put("path", path == null ? "" : path);
    if (uuid != null) {
      root.put("uuid", uuid);
    }
    root.put("version", Eip2335Keystore.VERSION);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise keystore", e);
    }
  }
}
