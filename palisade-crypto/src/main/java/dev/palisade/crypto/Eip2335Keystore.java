package dev.palisade.crypto;

import static dev.palisade.crypto.KeystoreException.Kind.INVALID_FORMAT;
import static dev.palisade.crypto.KeystoreException.Kind.INVALID_SECRET;
import static dev.palisade.crypto.KeystoreException.Kind.PUBKEY_MISMATCH;
import static dev.palisade.crypto.KeystoreException.Kind.WRONG_PASSWORD;

import dev.palisade.eth2.BlsPublicKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
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

  static final int IV_BYTES = 16;

  private final Kdf kdf;
  private final byte[] checksum;
  private final byte[] iv;
  private final byte[] ciphertext;
  private final BlsPublicKey pubkey;
  private final String path;
  private final String uuid;
  private final String description;

  Eip2335Keystore(
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

  /** Parses and validates everything that can be checked without the password. */
  public static Eip2335Keystore parse(String json) throws KeystoreException {
    return Eip2335Json.parse(json);
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
    return Eip2335Json.write(kdf, checksum, iv, ciphertext, pubkey, path, uuid, description);
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
