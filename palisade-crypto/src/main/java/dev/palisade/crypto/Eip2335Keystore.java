package dev.palisade.crypto;

import static dev.palisade.crypto.KeystoreException.Kind.INVALID_FORMAT;
import static dev.palisade.crypto.KeystoreException.Kind.INVALID_SECRET;
import static dev.palisade.crypto.KeystoreException.Kind.PUBKEY_MISMATCH;
import static dev.palisade.crypto.KeystoreException.Kind.UNSUPPORTED;
import static dev.palisade.crypto.KeystoreException.Kind.WRONG_PASSWORD;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An EIP-2335 (version 4) BLS keystore: scrypt or pbkdf2-hmac-sha256, sha256 checksum, aes-128-ctr.
 * Immutable and thread-safe; parsing validates everything that can be checked without the password.
 *
 * <p>What is not wiped: the JDK AES key schedule and {@code SecretKeySpec} copy of DK[0:16], the
 * JDK PBKDF2 key object (see {@link KeyDerivation}), and the password String the caller passes in.
 */
public final class Eip2335Keystore {
  public static final int VERSION = 4;

  /** Larger files are refused before parsing; real keystores are about 1 KiB. */
  public static final long MAX_FILE_BYTES = 1 << 20;

  private static final int IV_BYTES = 16;
  private static final int CHECKSUM_BYTES = 32;
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final HexFormat HEX = HexFormat.of();

  private final Kdf kdf;
  private final byte[] checksum;
  private final byte[] iv;
  private final byte[] ciphertext;
  private final BlsPublicKey pubkey;
  private final String path;
  private final String uuid;
  private final String description;

  private Eip2335Keystore(
      Kdf kdf,
      byte[] checksum,
      byte[] iv,
      byte[] ciphertext,
      BlsPublicKey pubkey,
      String path,
      String uuid,
      String description) {
    this.kdf = kdf;
    this.checksum = checksum;
    this.iv = iv;
    this.ciphertext = ciphertext;
    this.pubkey = pubkey;
    this.path = path;
    this.uuid = uuid;
    this.description = description;
  }

  // ---- parsing -------------------------------------------------------------------------------

  /** Reads and parses a keystore file, refusing files over {@link #MAX_FILE_BYTES}. */
  public static Eip2335Keystore read(Path file) throws IOException, KeystoreException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new KeystoreException(INVALID_FORMAT, "keystore file is larger than 1 MiB");
    }
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  public static Eip2335Keystore parse(String json) throws KeystoreException {
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
    if (version == null || !version.isIntegralNumber() || version.asLong() != VERSION) {
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
    byte[] iv = hex(object(cipherNode, "params"), "iv", "crypto.cipher.params.iv", IV_BYTES);
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

  // ---- decryption ----------------------------------------------------------------------------

  /**
   * Decrypts the secret key and, if the keystore names a pubkey, checks that it matches.
   *
   * @throws KeystoreException {@link KeystoreException.Kind#WRONG_PASSWORD} on a checksum mismatch,
   *     {@code INVALID_SECRET} or {@code PUBKEY_MISMATCH} otherwise
   */
  public BlsSecretKey decrypt(String password) throws KeystoreException {
    return decrypt(password, KdfLimiter.shared());
  }

  /** {@link #decrypt(String)} with the key derivation admitted by {@code limiter}. */
  public BlsSecretKey decrypt(String password, KdfLimiter limiter) throws KeystoreException {
    BlsSecretKey key;
    try (SecretBytes secret = decryptSecret(password, limiter)) {
      key = BlsSecretKey.fromBytes(secret);
    } catch (IllegalArgumentException e) {
      throw new KeystoreException(INVALID_SECRET, "decrypted secret is not a valid BLS secret key");
    }
    if (pubkey != null && !pubkey.equals(key.publicKey())) {
      BlsPublicKey derived = key.publicKey();
      key.close();
      throw new KeystoreException(
          PUBKEY_MISMATCH,
          "keystore pubkey " + pubkey + " does not match the key's public key " + derived);
    }
    return key;
  }

  /** Decrypts the raw 32-byte secret without validating it. The caller must close the result. */
  public SecretBytes decryptSecret(String password) throws KeystoreException {
    return decryptSecret(password, KdfLimiter.shared());
  }

  private SecretBytes decryptSecret(String password, KdfLimiter limiter) throws KeystoreException {
    byte[] dk = null;
    try (KeystorePassword normalized = KeystorePassword.normalize(password)) {
      dk = limiter.run(kdf, () -> KeyDerivation.deriveKey(kdf, normalized));
      if (!MessageDigest.isEqual(checksum(dk, ciphertext), checksum)) {
        throw new KeystoreException(WRONG_PASSWORD, "wrong password (checksum mismatch)");
      }
      return SecretBytes.takeOwnership(aes128Ctr(Cipher.DECRYPT_MODE, dk, iv, ciphertext));
    } finally {
      SecretBytes.wipe(dk);
    }
  }

  /** SHA-256(DK[16:32] || ciphertext). */
  private static byte[] checksum(byte[] dk, byte[] ciphertext) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(dk, 16, 16);
      sha256.update(ciphertext);
      return sha256.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  /** AES-128-CTR with key DK[0:16]; CTR is its own inverse, the mode only documents intent. */
  private static byte[] aes128Ctr(int mode, byte[] dk, byte[] iv, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(mode, new SecretKeySpec(dk, 0, 16, "AES"), new IvParameterSpec(iv));
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR/NoPadding is unavailable", e);
    }
  }

  // ---- encryption ----------------------------------------------------------------------------

  /**
   * Encrypts {@code key} into a new keystore with a random IV and UUID (for exports and tests).
   *
   * @param kdf e.g. {@link Kdf.Scrypt#eip2335Default}; its salt is used as is
   * @param derivationPath the EIP-2334 path, or "" if unknown
   */
  public static Eip2335Keystore encrypt(
      BlsSecretKey key, String password, Kdf kdf, String derivationPath, SecureRandom random)
      throws KeystoreException {
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    byte[] dk = null;
    try (KeystorePassword normalized = KeystorePassword.normalize(password);
        SecretBytes secret = key.exportSecret()) {
      dk = KdfLimiter.shared().run(kdf, () -> KeyDerivation.deriveKey(kdf, normalized));
      byte[] ciphertext = aes128Ctr(Cipher.ENCRYPT_MODE, dk, iv, secret.array());
      return new Eip2335Keystore(
          kdf,
          checksum(dk, ciphertext),
          iv,
          ciphertext,
          key.publicKey(),
          derivationPath,
          UUID.randomUUID().toString(),
          null);
    } finally {
      SecretBytes.wipe(dk);
    }
  }

  /** The EIP-2335 JSON (hex without 0x, as staking-deposit-cli writes it). */
  public String toJson() {
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
    root.put("version", VERSION);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise keystore", e);
    }
  }

  // ---- accessors -----------------------------------------------------------------------------

  public Kdf kdf() {
    return kdf;
  }

  /** The public key the keystore claims, if it has one; checked by {@link #decrypt}. */
  public Optional<BlsPublicKey> pubkey() {
    return Optional.ofNullable(pubkey);
  }

  public Optional<String> path() {
    return Optional.ofNullable(path);
  }

  public Optional<String> uuid() {
    return Optional.ofNullable(uuid);
  }

  public Optional<String> description() {
    return Optional.ofNullable(description);
  }

  @Override
  public String toString() {
    return "Eip2335Keystore[pubkey=" + pubkey + ", kdf=" + kdf + ", uuid=" + uuid + "]";
  }
}
