package dev.palisade.vault.watermark;

import dev.palisade.eth2.BlsPublicKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watermarks in an append-only file in the vault's data directory ({@value #FILE_NAME}).
 *
 * <p>Each save appends one fixed-size record holding the key's whole new state and a CRC32C, then
 * {@code fsync}s before returning. Concurrent saves share one {@code fsync} (group commit: the
 * first waiting thread writes and forces every queued record). At open the file is replayed (the
 * last record of a key wins; a torn record at the very end, from a crash or a full disk mid-write,
 * is dropped with a WARN — it was never forced, so its signature was never returned) and compacted
 * to one record per key through a temporary file and an atomic rename. The file is locked
 * exclusively while open, so two vault processes cannot share it. A corrupt record followed by a
 * valid one stops the open: the vault fails closed.
 *
 * <p>A failed append (ENOSPC, EIO) is cut off again at once, so a later append never lands behind
 * a torn record; if even that fails, every later save fails until a restart drops the torn tail.
 */
public final class FileWatermarkStore implements WatermarkStore {
  public static final String FILE_NAME = "vault-watermarks.log";
  private static final Logger LOG = LoggerFactory.getLogger(FileWatermarkStore.class);
  static final int RECORD = WatermarkLog.RECORD;

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final Map<BlsPublicKey, Watermark> loaded;
  private final Object writeLock = new Object();
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private boolean closed;
  private long length; // bytes of complete, forced records; guarded by writeLock
  private IOException torn; // an append that failed and could not be cut off; guarded by writeLock

  private static final class Pending {
    final byte[] record;
    boolean done;
    IOException failure;

    Pending(byte[] record) {
      this.record = record;
    }
  }

  private FileWatermarkStore(
      Path file, FileChannel channel, FileLock lock, Map<BlsPublicKey, Watermark> loaded, long length) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.loaded = loaded;
    this.length = length;
  }

  /** Opens (or creates, mode 0600) the watermark file in {@code dataDir}, replays and compacts it. */
  public static FileWatermarkStore open(Path dataDir) {
    return open(dataDir, UnaryOperator.identity());
  }

  /** Visible for tests: {@code appendChannel} wraps the channel saves append through. */
  static FileWatermarkStore open(Path dataDir, UnaryOperator<FileChannel> appendChannel) {
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
        Map<BlsPublicKey, Watermark> state = new HashMap<>();
        if (Files.exists(file)) {
          WatermarkLog.Replay replay = WatermarkLog.replay(file);
          if (replay.tornBytes() > 0) {
            LOG.warn("watermark file {}: truncated {} bytes of a torn record at byte {} (written but"
                    + " never forced, so never answered); the {} complete records before it are kept",
                file, replay.tornBytes(), replay.tornOffset(),
                (replay.tornOffset() - WatermarkLog.MAGIC.length) / RECORD);
          }
          state = replay.state();
        }
        WatermarkLog.compact(dataDir, file, state);
        long length = Files.size(file);
        FileChannel channel = appendChannel.apply(
            FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        return new FileWatermarkStore(file, channel, lock, state, length);
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
        IOException failure = closed ? new IOException("watermark store is closed") : torn;
        if (failure == null) {
          failure = append(batch);
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

  /** Writes and forces the batch; on failure cuts the file back to its last complete record. */
  private IOException append(List<Pending> batch) {
    ByteBuffer buffer = ByteBuffer.allocate(batch.size() * RECORD);
    batch.forEach(p -> buffer.put(p.record));
    try {
      WatermarkLog.writeFully(channel, buffer.flip());
      channel.force(false);
      length += buffer.capacity();
      return null;
    } catch (IOException failed) {
      try {
        channel.truncate(length);
        channel.force(false);
      } catch (IOException cutFailed) {
        torn = new IOException("an earlier append failed (" + failed.getMessage()
            + ") and could not be cut off; restart the vault to drop the torn record");
        LOG.error("watermark file {}: {}", file, torn.getMessage());
      }
      return failed;
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
    return WatermarkLog.encode(key, w);
  }
}
