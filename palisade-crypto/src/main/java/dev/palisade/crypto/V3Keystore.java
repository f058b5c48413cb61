package dev.palisade.crypto;

import static dev.palisade.crypto.KeystoreException.Kind.INVALID_FORMAT;
import static dev.palisade.crypto.KeystoreException.Kind.INVALID_SECRET;
import static dev.palisade.crypto.KeystoreException.Kind.PUBKEY_MISMATCH;
import static dev.palisade.crypto.KeystoreException.Kind.UNSUPPORTED;
import static dev.palisade.crypto.KeystoreException.Kind.WRONG_PASSWORD;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.evm.Address;
import dev.palisade.evm.Keccak;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Web3 Secret Storage v3 keystore (geth, ethers, web3j, foundry {@code cast wallet}): scrypt or
 * PBKDF2-HMAC-SHA256, AES-128-CTR, MAC = keccak256(DK[16:32] || ciphertext). The KDF parameters obey
 * the same {@link Kdf} limits, and derivations go through the same {@link KdfLimiter}, as EIP-2335.
 */
public record V3Keystore(Kdf kdf, byte[] iv, byte[] ciphertext, byte[] mac, Address address) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final HexFormat HEX = HexFormat.of();

  public static V3Keystore parse(String json) throws KeystoreException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new KeystoreException(INVALID_FORMAT, "keystore is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new KeystoreException(INVALID_FORMAT, "keystore JSON must be an object");
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isIntegralNumber() || version.asLong() != 3) {
      throw new KeystoreException(UNSUPPORTED, "unsupported keystore version " + version + " (expected 3)");
    }
    // geth wrote "Crypto" in early versions.
    JsonNode crypto = root.has("crypto") ? root.get("crypto") : root.get("Crypto");
    if (crypto == null || !crypto.isObject()) {
      throw new KeystoreException(INVALID_FORMAT, "crypto must be an object");
    }
    if (!"aes-128-ctr".equals(crypto.path("cipher").asText())) {
      throw new KeystoreException(UNSUPPORTED, "unsupported cipher '" + crypto.path("cipher").asText() + "'");
    }
    byte[] iv = hex(crypto.path("cipherparams").get("iv"), "crypto.cipherparams.iv", 16);
    byte[] ciphertext = hex(crypto.get("ciphertext"), "crypto.ciphertext", 32);
    byte[] mac = hex(crypto.get("mac"), "crypto.mac", 32);
    Kdf kdf = kdf(crypto.path("kdf").asText(), crypto.path("kdfparams"));
    Address address = null;
    if (root.hasNonNull("address")) {
      String text = root.get("address").asText();
      try {
        address = Address.parse(text.startsWith("0x") ? text : "0x" + text);
      } catch (IllegalArgumentException e) {
        throw new KeystoreException(INVALID_FORMAT, "address: " + e.getMessage());
      }
    }
    return new V3Keystore(kdf, iv, ciphertext, mac, address);
  }

  private static Kdf kdf(String function, JsonNode params) throws KeystoreException {
    if (!params.isObject()) {
      throw new KeystoreException(INVALID_FORMAT, "crypto.kdfparams must be an object");
    }
    if (params.path("dklen").asInt() != Kdf.DKLEN) {
      throw new KeystoreException(UNSUPPORTED, "crypto.kdfparams.dklen must be 32");
    }
    byte[] salt = hex(params.get("salt"), "crypto.kdfparams.salt", -1);
    try {
      return switch (function) {
        case "scrypt" -> {
          int n = integer(params, "n");
          int r = integer(params, "r");
          // RFC 7914 requires N < 2^(128*r/8); BouncyCastle enforces it (geth does not), so say so.
          if (r >= 1 && r < 4 && n >= 1L << (16 * r)) {
            throw new KeystoreException(UNSUPPORTED, "scrypt n=" + n + " with r=" + r
                + " is outside RFC 7914 (n < 2^(16*r)); re-encrypt the keystore with r=8");
          }
          yield new Kdf.Scrypt(n, r, integer(params, "p"), salt);
        }
        case "pbkdf2" -> {
          if (!"hmac-sha256".equals(params.path("prf").asText())) {
            throw new KeystoreException(UNSUPPORTED, "unsupported pbkdf2 prf '" + params.path("prf").asText() + "'");
          }
          yield new Kdf.Pbkdf2(integer(params, "c"), salt);
        }
        default -> throw new KeystoreException(UNSUPPORTED, "unsupported kdf '" + function + "'");
      };
    } catch (IllegalArgumentException e) {
      throw new KeystoreException(INVALID_FORMAT, e.getMessage()); // a Kdf limit, refused before deriving
    }
  }

  /** Decrypts with the shared limiter; checks the MAC, the key and, if present, the address. */
  public Secp256k1SecretKey decrypt(String password) throws KeystoreException {
    return decrypt(password, KdfLimiter.shared());
  }

  public Secp256k1SecretKey decrypt(String password, KdfLimiter limiter) throws KeystoreException {
    byte[] dk = null;
    byte[] plain = null;
    try (KeystorePassword raw = KeystorePassword.raw(password)) {
      dk = limiter.run(kdf, () -> KeyDerivation.deriveKey(kdf, raw));
      byte[] macInput = new byte[16 + ciphertext.length];
      System.arraycopy(dk, 16, macInput, 0, 16);
      System.arraycopy(ciphertext, 0, macInput, 16, ciphertext.length);
      boolean macOk = MessageDigest.isEqual(Keccak.hash(macInput), mac);
      SecretBytes.wipe(macInput);
      if (!macOk) {
        throw new KeystoreException(WRONG_PASSWORD, "wrong password (MAC mismatch)");
      }
      plain = aes128Ctr(dk, iv, ciphertext);
      Secp256k1SecretKey key;
      try (SecretBytes secret = SecretBytes.takeOwnership(plain)) {
        key = Secp256k1SecretKey.fromBytes(secret);
      } catch (IllegalArgumentException e) {
        throw new KeystoreException(INVALID_SECRET, "decrypted secret is not a valid secp256k1 key");
      }
      if (address != null && !address.equals(key.address())) {
        Address derived = key.address();
        key.close();
        throw new KeystoreException(PUBKEY_MISMATCH,
            "keystore address " + address + " does not match the key's address " + derived);
      }
      return key;
    } finally {
      SecretBytes.wipe(dk, plain);
    }
  }

  private static byte[] aes128Ctr(byte[] dk, byte[] iv, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dk, 0, 16, "AES"), new IvParameterSpec(iv));
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR/NoPadding is unavailable", e);
    }
  }

  private static int integer(JsonNode params, String name) throws KeystoreException {
    JsonNode node = params.get(name);
    if (node == null || !node.canConvertToInt()) {
      throw new KeystoreException(INVALID_FORMAT, "crypto.kdfparams." + name + " must be an integer");
    }
    return node.intValue();
  }

  private static byte[] hex(JsonNode node, String field, int length) throws KeystoreException {
    if (node == null || !node.isTextual()) {
      throw new KeystoreException(INVALID_FORMAT, field + " must be a hex string");
    }
    String text = node.asText().startsWith("0x") ? node.asText().substring(2) : node.asText();
    try {
      byte[] bytes = HEX.parseHex(text);
      if (length >= 0 && bytes.length != length) {
        throw new KeystoreException(INVALID_FORMAT, field + " must be " + length + " bytes");
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      throw new KeystoreException(INVALID_FORMAT, field + " is not hex");
    }
  }
}
