package dev.palisade.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Files named by options, with errors that say which option, which path and why ("cannot read
 * --from /x: no such file") before anything starts or changes.
 */
final class OptionFiles {
  private OptionFiles() {}

  /** Reads the whole file, refusing one larger than {@code maxBytes}. */
  static byte[] read(String option, Path file, long maxBytes) {
    requireReadable(option, file);
    try (InputStream in = Files.newInputStream(file)) {
      byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (content.length > maxBytes) {
        throw new IllegalArgumentException("cannot read " + option + " " + file + ": larger than " + maxBytes + " bytes");
      }
      return content;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + option + " " + file + ": " + reason(e));
    }
  }

  static void requireReadable(String option, Path file) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("cannot read " + option + " " + file + ": no such file");
    }
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException("cannot read " + option + " " + file + ": it is a directory");
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("cannot read " + option + " " + file + ": permission denied");
    }
  }

  /** The absolute path of a file to be written: its directory must exist and be writable. */
  static Path writableTarget(String option, Path file) {
    Path absolute = file.toAbsolutePath();
    Path directory = absolute.getParent();
    if (Files.isDirectory(absolute)) {
      throw new IllegalArgumentException("cannot write " + option + " " + file + ": it is a directory");
    }
    if (directory == null || !Files.isDirectory(directory)) {
      throw new IllegalArgumentException("cannot write " + option + " " + file + ": no such directory " + directory);
    }
    if (!Files.isWritable(directory)) {
      throw new IllegalArgumentException("cannot write " + option + " " + file + ": permission denied on " + directory);
    }
    return absolute;
  }

  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage();
  }
}
