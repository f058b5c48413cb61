package dev.palisade.vault.watermark;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The on-disk format of {@link FileWatermarkStore}: an 8-byte magic, then fixed-size records
 * (pubkey, flags, block slot and root, source and target epochs and roots, CRC32C).
 */
final class WatermarkLog {
  static final byte[] MAGIC = "PLSDWM01".getBytes(StandardCharsets.US_ASCII);
  static final int RECORD = 48 + 1 + 3 * (8 + 32) + 4;

  private WatermarkLog() {}

  /**
   * What a replay found. {@code tornBytes} at the end were dropped: they hold no complete valid
   * record, so no save that returned (and no signature that was answered) is lost.
   */
  record Replay(Map<BlsPublicKey, Watermark> state, long tornOffset, long tornBytes) {}

  static byte[] encode(BlsPublicKey key, Watermark w) {
    ByteBuffer b = ByteBuffer.allocate(RECORD);
    b.put(key.toArray());
    b.put((byte) ((w.hasBlock() ? 1 : 0) | (w.hasAttestation() ? 2 : 0)));
    b.putLong(w.blockSlot()).put(rootBytes(w.blockRoot()));
    b.putLong(w.sourceEpoch()).put(rootBytes(w.sourceRoot()));
    b.putLong(w.targetEpoch()).put(rootBytes(w.targetRoot()));
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, RECORD - 4);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  private static byte[] rootBytes(Bytes32 root) {
    return root == null ? new byte[32] : root.toArray();
  }

  /**
   * Replays the file; the last record of a key wins. The first incomplete or bad record ends the
   * replay if nothing valid follows it (a torn append); if a valid record follows at any offset,
   * the file is corrupt in the middle and the replay fails.
   */
  static Replay replay(Path file) throws IOException {
    byte[] content = Files.readAllBytes(file);
    if (content.length < MAGIC.length || !Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IOException("not a watermark file (bad header)");
    }
    Map<BlsPublicKey, Watermark> state = new HashMap<>();
    int offset = MAGIC.length;
    while (offset < content.length) {
      if (!validAt(content, offset)) {
        int followed = firstValidAfter(content, offset);
        if (followed >= 0) {
          throw new IOException("corrupt watermark record at byte " + offset
              + " (a valid record follows at byte " + followed + ")");
        }
        return new Replay(state, offset, content.length - offset);
      }
      ByteBuffer b = ByteBuffer.wrap(content, offset, RECORD);
      byte[] pub = new byte[48];
      b.get(pub);
      int flags = b.get();
      long slot = b.getLong();
      Bytes32 blockRoot = readRoot(b);
      long source = b.getLong();
      Bytes32 sourceRoot = readRoot(b);
      long target = b.getLong();
      Bytes32 targetRoot = readRoot(b);
      boolean block = (flags & 1) != 0;
      boolean attestation = (flags & 2) != 0;
      state.put(
          BlsPublicKey.wrap(pub),
          new Watermark(
              block ? slot : -1, block ? blockRoot : null,
              attestation ? source : -1, attestation ? sourceRoot : null,
              attestation ? target : -1, attestation ? targetRoot : null));
      offset += RECORD;
    }
    return new Replay(state, content.length, 0);
  }

  private static boolean validAt(byte[] content, int offset) {
    if (content.length - offset < RECORD) {
      return false;
    }
    CRC32C crc = new CRC32C();
    crc.update(content, offset, RECORD - 4);
    return (int) crc.getValue() == ByteBuffer.wrap(content, offset + RECORD - 4, 4).getInt();
  }

  /** Any offset, not only aligned ones: an append after a torn record is misaligned. */
  private static int firstValidAfter(byte[] content, int offset) {
    for (int at = offset + 1; at + RECORD <= content.length; at++) {
      if (validAt(content, at)) {
        return at;
      }
    }
    return -1;
  }

  private static Bytes32 readRoot(ByteBuffer b) {
    byte[] root = new byte[32];
    b.get(root);
    return Bytes32.wrap(root);
  }

  /** Rewrites the file with one record per key, through a 0600 temporary file and a rename. */
  static void compact(Path dir, Path file, Map<BlsPublicKey, Watermark> state) throws IOException {
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel out =
        FileChannel.open(
            tmp,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 1024 * RECORD);
      buffer.put(MAGIC);
      for (Map.Entry<BlsPublicKey, Watermark> entry : state.entrySet()) {
        if (buffer.remaining() < RECORD) {
          writeFully(out, buffer.flip());
          buffer.clear();
        }
        buffer.put(encode(entry.getKey(), entry.getValue()));
      }
      writeFully(out, buffer.flip());
      out.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some file systems cannot fsync a directory; the rename itself is atomic
    }
  }

  static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }
}
