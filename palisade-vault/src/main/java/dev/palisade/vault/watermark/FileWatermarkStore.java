package dev.palisade.vault.watermark;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32C;

/**
 * Watermarks in an append-only file in the vault's data directory ({@value #FILE_NAME}).
 *
 * <p>Each save appends one fixed-size record holding the key's whole new state and a CRC32C, then
 * {@code fsync}s before returning. Concurrent saves share one {@code fsync} (group commit: the
 * first waiting thread writes and forces every queued record). At open the file is replayed (the
 * last record of a key wins; a torn record at the very end, from a crash mid-write, is dropped —
 * its signature was never returned) and compacted to one record per key through a temporary file
 * and an atomic rename. The file is locked exclusively while open, so two vault processes cannot
 * share it. A corrupt record elsewhere than at the end stops the open: the vault fails closed.
 */
public final class FileWatermarkStore implements WatermarkStore {
  public static final String FILE_NAME = "vault-watermarks.log";
  private static final byte[] MAGIC = "PLSDWM01".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final int RECORD = 48 + 1 + 3 * (8 + 32) + 4;

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final Map<BlsPublicKey, Watermark> loaded;
  private final Object writeLock = new Object();
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private boolean closed;

  private static final class Pending {
    final byte[] record;
    boolean done;
    IOException failure;

    Pending(byte[] record) {
      this.record = record;
    }
  }

  private FileWatermarkStore(Path file, FileChannel channel, FileLock lock, Map<BlsPublicKey, Watermark> loaded) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.loaded = loaded;
  }

  /** Opens (or creates, mode 0600) the watermark file in {@code dataDir}, replays and compacts it. */
  public static FileWatermarkStore open(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDir);
      Path lockFile = dataDir.resolve(FILE_NAME + ".lock");
      FileChannel lockChannel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        lockChannel.close();
        throw new WatermarkStoreException(
            "the watermark file " + file + " is in use by another vault", null);
      }
      try {
        Map<BlsPublicKey, Watermark> state = Files.exists(file) ? replay(file) : new HashMap<>();
        compact(dataDir, file, state);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new FileWatermarkStore(file, channel, lock, state);
      } catch (IOException | RuntimeException e) {
        lock.release();
        lockChannel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new WatermarkStoreException("cannot open the watermark file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Map<BlsPublicKey, Watermark> loadAll() {
    return Map.copyOf(loaded);
  }

  @Override
  public void save(BlsPublicKey key, Watermark watermark) {
    Pending mine = new Pending(encode(key, watermark));
    queue.add(mine);
    synchronized (writeLock) {
      if (!mine.done) {
        List<Pending> batch = new ArrayList<>();
        for (Pending p; (p = queue.poll()) != null; ) {
          batch.add(p);
        }
        IOException failure = null;
        if (closed) {
          failure = new IOException("watermark store is closed");
        } else {
          try {
            ByteBuffer buffer = ByteBuffer.allocate(batch.size() * RECORD);
            batch.forEach(p -> buffer.put(p.record));
            buffer.flip();
            while (buffer.hasRemaining()) {
              channel.write(buffer);
            }
            channel.force(false);
          } catch (IOException e) {
            failure = e;
          }
        }
        for (Pending p : batch) {
          p.done = true;
          p.failure = failure;
        }
      }
      if (mine.failure != null) {
        throw new WatermarkStoreException(
            "cannot record a watermark in " + file + ": " + mine.failure.getMessage(), mine.failure);
      }
    }
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        channel.close();
        lock.release();
        lock.channel().close();
      } catch (IOException e) {
        // nothing left to protect: every save was forced before it returned
      }
    }
  }

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

  private static Map<BlsPublicKey, Watermark> replay(Path file) throws IOException {
    byte[] content = Files.readAllBytes(file);
    if (content.length < MAGIC.length || !Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IOException("not a watermark file (bad header)");
    }
    Map<BlsPublicKey, Watermark> state = new HashMap<>();
    int offset = MAGIC.length;
    while (offset < content.length) {
      boolean last = offset + RECORD >= content.length;
      if (content.length - offset < RECORD) {
        break; // torn final record
      }
      ByteBuffer b = ByteBuffer.wrap(content, offset, RECORD);
      CRC32C crc = new CRC32C();
      crc.update(content, offset, RECORD - 4);
      int expected = ByteBuffer.wrap(content, offset + RECORD - 4, 4).getInt();
      if ((int) crc.getValue() != expected) {
        if (last) {
          break; // torn final record
        }
        throw new IOException("corrupt watermark record at byte " + offset);
      }
      byte[] pub = new byte[48];
      b.get(pub);
      int flags = b.get();
      long slot = b.getLong();
      Bytes32 blockRoot = readRoot(b);
      long source = b.getLong();
      Bytes32 sourceRoot = readRoot(b);
      long target = b.getLong();
      Bytes32 targetRoot = readRoot(b);
      state.put(
          BlsPublicKey.wrap(pub),
          new Watermark(
              (flags & 1) != 0 ? slot : -1,
              (flags & 1) != 0 ? blockRoot : null,
              (flags & 2) != 0 ? source : -1,
              (flags & 2) != 0 ? sourceRoot : null,
              (flags & 2) != 0 ? target : -1,
              (flags & 2) != 0 ? targetRoot : null));
      offset += RECORD;
    }
    return state;
  }

  private static Bytes32 readRoot(ByteBuffer b) {
    byte[] root = new byte[32];
    b.get(root);
    return Bytes32.wrap(root);
  }

  private static void compact(Path dir, Path file, Map<BlsPublicKey, Watermark> state) throws IOException {
    Path tmp = dir.resolve(FILE_NAME + ".tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel out =
        FileChannel.open(
            tmp,
            java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 1024 * RECORD);
      buffer.put(MAGIC);
      for (Map.Entry<BlsPublicKey, Watermark> entry : state.entrySet()) {
        if (buffer.remaining() < RECORD) {
          buffer.flip();
          while (buffer.hasRemaining()) {
            out.write(buffer);
          }
          buffer.clear();
        }
        buffer.put(encode(entry.getKey(), entry.getValue()));
      }
      buffer.flip();
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some file systems cannot fsync a directory; the rename itself is atomic
    }
  }
}
