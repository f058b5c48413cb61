package dev.palisade.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files only the signer's user may read: directories 0700, files 0600, created so (a permission
 * attribute at creation, never a chmod after the content is written). Looser existing permissions
 * are tightened with a WARN. On a file system without POSIX permissions nothing is changed.
 */
public final class SecureFiles {
  private static final Logger LOG = LoggerFactory.getLogger(SecureFiles.class);
  public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private SecureFiles() {}

  /** Creates {@code dir} (and missing parents) 0700, or tightens an existing one. */
  public static void privateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      tighten(dir, DIRECTORY);
      return;
    }
    if (posix(dir.toAbsolutePath().getParent())) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
    } else {
      Files.createDirectories(dir);
    }
  }

  /** Creates an empty file 0600; false if it already existed (then it is tightened). */
  public static boolean createPrivateFile(Path file) throws IOException {
    try {
      Files.createFile(file, attributes(file, FILE));
      return true;
    } catch (FileAlreadyExistsException e) {
      tighten(file, FILE);
      return false;
    }
  }

  /** Replaces {@code file} atomically with {@code content}, durable and 0600 from the start. */
  public static void writePrivate(Path file, String content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temporary = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", attributes(dir, FILE));
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
        directory.force(true);
      } catch (IOException ignored) {
        // some file systems cannot fsync a directory; the rename is still atomic
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Removes group and other permissions from an existing file or directory, with a WARN. */
  public static void tighten(Path path, Set<PosixFilePermission> wanted) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) || !posix(path)) {
      return;
    }
    Set<PosixFilePermission> current = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
    if (!wanted.containsAll(current)) {
      LOG.warn("{} was readable by other users ({}); setting {}", path,
          PosixFilePermissions.toString(current), PosixFilePermissions.toString(wanted));
      Files.setPosixFilePermissions(path, wanted);
    }
  }

  private static boolean posix(Path path) {
    return path != null && path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static FileAttribute<?>[] attributes(Path path, Set<PosixFilePermission> permissions) {
    return posix(path.toAbsolutePath().getParent() != null ? path.toAbsolutePath().getParent() : path)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
        : new FileAttribute<?>[0];
  }
}
