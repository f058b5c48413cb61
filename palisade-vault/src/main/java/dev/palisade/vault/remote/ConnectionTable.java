package dev.palisade.vault.remote;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault server's connections: a fixed number of slots, and a watchdog that closes a connection
 * stalled in the middle of a frame. An idle connection (between frames) keeps its slot: the node's
 * client pool holds a few open. But a peer that sends part of a frame, or stops reading a
 * response, is cut off after the frame timeout, so stalled peers cannot hold every slot.
 */
final class ConnectionTable implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionTable.class);
  private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final int maxConnections;
  private final long frameTimeoutNanos;
  private final Semaphore slots;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService watchdog;
  private final Object warnLock = new Object();
  private long lastWarnNanos; // guarded by warnLock
  private long refusedSinceWarn; // guarded by warnLock
  private boolean warnedOnce; // guarded by warnLock

  ConnectionTable(int maxConnections, Duration frameTimeout) {
    this.maxConnections = maxConnections;
    this.frameTimeoutNanos = frameTimeout.toNanos();
    this.slots = new Semaphore(maxConnections);
    this.watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "vault-frame-watchdog");
      thread.setDaemon(true);
      return thread;
    });
    long tick = Math.max(10, frameTimeout.toMillis() / 5);
    watchdog.scheduleWithFixedDelay(this::closeStalled, tick, tick, TimeUnit.MILLISECONDS);
  }

  /** A slot for {@code channel}, or null when all are taken (logged at WARN, at most once a minute). */
  Connection admit(SocketChannel channel) {
    if (!slots.tryAcquire()) {
      warnRefused();
      return null;
    }
    Connection connection = new Connection(channel);
    open.add(connection);
    return connection;
  }

  void release(Connection connection) {
    if (open.remove(connection)) {
      slots.release();
    }
  }

  private void warnRefused() {
    synchronized (warnLock) {
      refusedSinceWarn++;
      long now = System.nanoTime();
      if (!warnedOnce || now - lastWarnNanos >= WARN_INTERVAL_NANOS) {
        LOG.warn("vault connection table is full ({} connections): refused {} connection(s) since the last"
            + " warning; stalled peers are cut off after {} ms mid-frame", maxConnections, refusedSinceWarn,
            TimeUnit.NANOSECONDS.toMillis(frameTimeoutNanos));
        warnedOnce = true;
        lastWarnNanos = now;
        refusedSinceWarn = 0;
      }
    }
  }

  private void closeStalled() {
    long now = System.nanoTime();
    for (Connection connection : open) {
      long since = connection.busySince;
      if (since != 0 && now - since > frameTimeoutNanos) {
        LOG.info("vault connection closed: a frame stalled for more than {} ms",
            TimeUnit.NANOSECONDS.toMillis(frameTimeoutNanos));
        connection.close(); // the handler's blocked read or write fails and frees the slot
      }
    }
  }

  /** Closes every open connection and stops the watchdog. */
  @Override
  public void close() {
    watchdog.shutdownNow();
    open.forEach(Connection::close);
  }

  /**
   * One connection. Reads go through it so the first byte of a frame starts the frame's clock;
   * {@link #busy()} and {@link #idle()} bracket the response write the same way.
   */
  static final class Connection implements ReadableByteChannel {
    final SocketChannel channel;
    private volatile long busySince; // 0 while idle between frames

    private Connection(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      int n = channel.read(dst);
      if (n > 0 && busySince == 0) {
        busySince = System.nanoTime();
      }
      return n;
    }

    void busy() {
      busySince = System.nanoTime();
    }

    void idle() {
      busySince = 0;
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
