package dev.palisade.vault.kek;

import dev.palisade.crypto.SecretBytes;
import dev.palisade.eth2.Hex;
import dev.palisade.vault.seal.AesGcm;
import dev.palisade.vault.seal.DestroyableAesKey;
import dev.palisade.vault.seal.DataKeyBinding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.generators.SCrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default KEK: a random 256-bit key in a file of the data directory, encrypted with
 * AES-256-GCM under a key derived from the operator's passphrase by scrypt. The file is created
 * with mode 0600 from its first byte and appears atomically, so no reader ever sees a partial or
 * world-readable KEK. Opening never writes: a wrong passphrase changes nothing.
 *
 * <pre>
 * palisade-sealed-kek 1
 * id sealed-file:&lt;uuid&gt;
 * kdf scrypt &lt;n&gt; &lt;r&gt; &lt;p&gt;
 * salt &lt;hex&gt;
 * nonce &lt;hex&gt;
 * ciphertext &lt;hex&gt;
 * </pre>
 *
 * The first four lines are the associated data of the encryption, so they cannot be edited (e.g. to
 * weaken the KDF or change the id) without the file failing to open.
 */
public final class SealedFileKek implements KekProvider {
  public static final String DEFAULT_FILE_NAME = "kek.sealed";
  public static final String ID_PREFIX = "sealed-file:";
  private static final Logger LOG = LoggerFactory.getLogger(SealedFileKek.class);
  private static final String MAGIC = "palisade-sealed-kek 1";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final int KEY_BYTES = 32;
  private static final int SALT_BYTES = 32;

  private final String id;
  private final DestroyableAesKey kek;
  private final GcmWrapping.GcmCipher cipher;

  private SealedFileKek(String id, DestroyableAesKey kek) {
    this.id = id;
    this.kek = kek;
    this.cipher =
        new GcmWrapping.GcmCipher() {
          @Override
          public byte[] encrypt(byte[] nonce, byte[] aad, byte[] plaintext) {
            return AesGcm.encrypt(kek, nonce, aad, plaintext);
          }

          @Override
          public byte[] decrypt(byte[] nonce, byte[] aad, byte[] ciphertext)
              throws AEADBadTagException {
            return AesGcm.decrypt(kek, nonce, aad, ciphertext);
          }
        };
  }

  /**
   * Creates a new random KEK sealed under {@code passphrase} in {@code file}.
   *
   * @throws KekException ALREADY_EXISTS if the file exists (it is never overwritten)
   */
  public static SealedFileKek create(Path file, Passphrase passphrase, ScryptParams params)
      throws KekException {
    if (Files.exists(file)) {
      throw new KekException(KekException.Kind.ALREADY_EXISTS, "KEK file already exists: " + file);
    }
    String id = ID_PREFIX + UUID.randomUUID();
    byte[] salt = AesGcm.randomBytes(SALT_BYTES);
    String header = headerOf(id, params, salt);
    byte[] kekBytes = AesGcm.randomBytes(KEY_BYTES);
    try (SecretBytes wrappingKey = deriveKey(passphrase, salt, params)) {
      DestroyableAesKey passphraseKey = new DestroyableAesKey(wrappingKey.array());
      byte[] nonce = AesGcm.newNonce();
      byte[] ciphertext;
      try {
        ciphertext = AesGcm.encrypt(passphraseKey, nonce, ascii(header), kekBytes);
      } finally {
        passphraseKey.destroy();
      }
      String content =
          header + "nonce " + Hex.encode(nonce) + "\nciphertext " + Hex.encode(ciphertext) + "\n";
      writeOwnerOnlyAtomically(file, content);
      return new SealedFileKek(id, new DestroyableAesKey(kekBytes));
    } finally {
      SecretBytes.wipe(kekBytes);
    }
  }

  /**
   * Opens an existing KEK file.
   *
   * @throws KekException NOT_FOUND if absent, INVALID if malformed, WRONG_PASSPHRASE if the
   *     passphrase does not open it
   */
  public static SealedFileKek open(Path file, Passphrase passphrase) throws KekException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new KekException(KekException.Kind.NOT_FOUND, "KEK file not found: " + file);
    } catch (IOException e) {
      throw new KekException(KekException.Kind.UNAVAILABLE, "cannot read KEK file " + file, e);
    }
    warnIfReadableByOthers(file);
    ParsedFile parsed = ParsedFile.parse(lines, file);
    try (SecretBytes wrappingKey = deriveKey(passphrase, parsed.salt, parsed.params)) {
      DestroyableAesKey passphraseKey = new DestroyableAesKey(wrappingKey.array());
      byte[] kekBytes = null;
      try {
        kekBytes =
            AesGcm.decrypt(passphraseKey, parsed.nonce, ascii(parsed.header), parsed.ciphertext);
        if (kekBytes.length != KEY_BYTES) {
          throw new KekException(KekException.Kind.INVALID, "KEK file holds no 256-bit key");
        }
        return new SealedFileKek(parsed.id, new DestroyableAesKey(kekBytes));
      } catch (AEADBadTagException e) {
        throw new KekException(
            KekException.Kind.WRONG_PASSPHRASE,
            "wrong passphrase for KEK file " + file + " (or the file was altered)");
      } finally {
        passphraseKey.destroy();
        SecretBytes.wipe(kekBytes);
      }
    }
  }

  /** Opens the file, or creates it when it does not exist yet (first start). */
  public static SealedFileKek openOrCreate(Path file, Passphrase passphrase, ScryptParams params)
      throws KekException {
    if (Files.exists(file)) {
      return open(file, passphrase);
    }
    try {
      return create(file, passphrase, params);
    } catch (KekException e) {
      if (e.kind() == KekException.Kind.ALREADY_EXISTS) {
        return open(file, passphrase); // another process created it meanwhile
      }
      throw e;
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public byte[] wrap(SecretBytes dataKey, DataKeyBinding binding) throws KekException {
    return GcmWrapping.wrap(cipher, dataKey, binding);
  }

  @Override
  public SecretBytes unwrap(byte[] wrapped, DataKeyBinding binding) throws KekException {
    return GcmWrapping.unwrap(cipher, wrapped, binding);
  }

  @Override
  public void close() {
    kek.destroy();
  }

  @Override
  public String toString() {
    return "SealedFileKek[" + id + "]";
  }

  // ---- file format -------------------------------------------------------------------------

  private static String headerOf(String id, ScryptParams params, byte[] salt) {
    return MAGIC + "\nid " + id + "\nkdf scrypt " + params.n() + " " + params.r() + " "
        + params.p() + "\nsalt " + Hex.encode(salt) + "\n";
  }

  private record ParsedFile(
      String header, String id, ScryptParams params, byte[] salt, byte[] nonce, byte[] ciphertext) {

    static ParsedFile parse(List<String> lines, Path file) throws KekException {
      try {
        if (lines.size() != 6 || !lines.get(0).equals(MAGIC)) {
          throw new IllegalArgumentException("unknown header");
        }
        String id = field(lines.get(1), "id");
        String[] kdf = field(lines.get(2), "kdf").split(" ");
        if (kdf.length != 4 || !kdf[0].equals("scrypt")) {
          throw new IllegalArgumentException("unknown kdf");
        }
        ScryptParams params =
            new ScryptParams(
                Integer.parseInt(kdf[1]), Integer.parseInt(kdf[2]), Integer.parseInt(kdf[3]));
        byte[] salt = Hex.decode(field(lines.get(3), "salt"));
        byte[] nonce = Hex.decode(field(lines.get(4), "nonce"));
        byte[] ciphertext = Hex.decode(field(lines.get(5), "ciphertext"));
        if (!id.startsWith(ID_PREFIX) || nonce.length != AesGcm.NONCE_BYTES || salt.length == 0) {
          throw new IllegalArgumentException("bad field");
        }
        return new ParsedFile(headerOf(id, params, salt), id, params, salt, nonce, ciphertext);
      } catch (IllegalArgumentException e) {
        throw new KekException(
            KekException.Kind.INVALID, "KEK file " + file + " is malformed: " + e.getMessage());
      }
    }

    private static String field(String line, String name) {
      if (!line.startsWith(name + " ")) {
        throw new IllegalArgumentException("expected '" + name + "'");
      }
      return line.substring(name.length() + 1);
    }
  }

  private static SecretBytes deriveKey(Passphrase passphrase, byte[] salt, ScryptParams params) {
    try (SecretBytes utf8 = passphrase.utf8()) {
      return SecretBytes.takeOwnership(
          SCrypt.generate(utf8.array(), salt, params.n(), params.r(), params.p(), KEY_BYTES));
    }
  }

  /**
   * Writes a temp file created 0600 (the mode is set by open(2), not after), syncs it, then links
   * it into place: link(2) fails if the target exists, so an existing KEK is never replaced.
   */
  private static void writeOwnerOnlyAtomically(Path file, String content) throws KekException {
    Path dir = file.toAbsolutePath().getParent();
    Path temp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(dir);
      Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(ascii(content)));
        channel.force(true);
      }
      Files.createLink(file, temp);
    } catch (FileAlreadyExistsException e) {
      throw new KekException(KekException.Kind.ALREADY_EXISTS, "KEK file already exists: " + file);
    } catch (IOException | UnsupportedOperationException e) {
      throw new KekException(KekException.Kind.UNAVAILABLE, "cannot write KEK file " + file, e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // a leftover temp file holds only the passphrase-sealed KEK
      }
    }
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true); // make the new name durable
    } catch (IOException ignored) {
      // not every file system lets a directory be synced
    }
  }

  private static void warnIfReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(permissions)) {
        LOG.warn("KEK file {} is accessible by other users ({}); chmod 600 it",
            file, PosixFilePermissions.toString(permissions));
      }
    } catch (IOException | UnsupportedOperationException ignored) {
      // best effort
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
