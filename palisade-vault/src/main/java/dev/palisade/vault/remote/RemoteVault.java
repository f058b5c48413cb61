package dev.palisade.vault.remote;

import static dev.palisade.vault.remote.VaultProtocol.*;

import dev.palisade.crypto.BlsSignature;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.vault.UnknownKeyException;
import dev.palisade.vault.Vault;
import dev.palisade.vault.VaultRefusedException;
import dev.palisade.vault.seal.SealedKey;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Vault} in another process, reached over a Unix domain socket with {@link VaultProtocol}.
 * Thread-safe: up to {@code poolSize} requests run at once, each on its own pooled connection.
 * Each request must complete within {@code timeout} (the connection is closed otherwise). A pooled
 * connection that turns out to be dead (the vault restarted) is replaced and the request retried
 * once on a fresh connection; every request is idempotent on the vault side (a repeated SIGN is an
 * identical re-sign).
 *
 * <p>Only {@link #sign(BlsPublicKey, byte[], SigningRequest, Network)} signs: the vault decodes
 * and hashes the original request body itself with its own network.
 */
public final class RemoteVault implements Vault {
  public static final int DEFAULT_POOL_SIZE = 8;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "remote-vault-watchdog");
        thread.setDaemon(true);
        return thread;
      });

  private static final Logger LOG = LoggerFactory.getLogger(RemoteVault.class);
  private final UnixDomainSocketAddress address;
  private final Duration timeout;
  private final Semaphore permits;
  private final ConcurrentLinkedDeque<SocketChannel> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;
  private volatile boolean signAsSupported = true;

  public RemoteVault(Path socket) {
    this(socket, DEFAULT_POOL_SIZE, DEFAULT_TIMEOUT);
  }

  /**
   * @param socket the vault's socket file
   * @param poolSize the most connections (and concurrent requests) to the vault
   * @param timeout the longest a request may take, waiting for a free connection included
   */
  public RemoteVault(Path socket, int poolSize, Duration timeout) {
    if (poolSize < 1) {
      throw new IllegalArgumentException("pool size must be at least 1");
    }
    this.address = UnixDomainSocketAddress.of(socket);
    this.timeout = timeout;
    this.permits = new Semaphore(poolSize);
  }

  /** Every call is a round trip on the vault socket. */
  @Override
  public boolean answersInProcess() {
    return false;
  }

  @Override
  public Set<BlsPublicKey> publicKeys() {
    Frame response = call(LIST_KEYS, new byte[0]);
    expect(response, OK_KEYS);
    ByteBuffer b = ByteBuffer.wrap(response.payload());
    if (b.remaining() < 4) {
      throw unexpected(response);
    }
    int count = b.getInt();
    if (count < 0 || b.remaining() != 48L * count) {
      throw unexpected(response);
    }
    Set<BlsPublicKey> keys = new HashSet<>(count * 2);
    for (int i = 0; i < count; i++) {
      byte[] key = new byte[48];
      b.get(key);
      keys.add(BlsPublicKey.wrap(key));
    }
    return Set.copyOf(keys);
  }

  @Override
  public boolean holds(BlsPublicKey key) {
    return bool(call(HAS_KEY, key.toArray()));
  }

  /** Opens a sealed record in the vault with the vault's KEK; false if the vault already held it. */
  public boolean loadSealedKey(SealedKey record) {
    return bool(call(LOAD_SEALED_KEY, encodeSealedKey(record)));
  }

  /** Stops the vault signing with the key (after any signature in progress); false if not held. */
  public boolean remove(BlsPublicKey key) {
    return bool(call(REMOVE_KEY, key.toArray()));
  }

  /** The number of keys the vault holds; throws if the vault does not answer. */
  public int health() {
    Frame response = call(HEALTH, new byte[0]);
    expect(response, OK_HEALTH);
    if (response.payload().length != 4) {
      throw unexpected(response);
    }
    return ByteBuffer.wrap(response.payload()).getInt();
  }

  /** Always throws: a remote vault signs the original request body only. */
  @Override
  public BlsSignature sign(BlsPublicKey key, SigningRequest request, Network network) {
    throw new UnsupportedOperationException(
        "a remote vault signs the original request body: call sign(key, requestJson, decoded, network)");
  }

  @Override
  public BlsSignature sign(BlsPublicKey key, byte[] requestJson, SigningRequest decoded, Network network) {
    return signature(key, call(SIGN, concat(key.toArray(), requestJson)));
  }

  /**
   * Signs for a caller of {@code tenant}, so the vault process shares hashes to the curve within that tenant
   * (as {@code InProcessVault} does). A tenant is not a secret from the node: the node saw every request. A
   * vault process of an older release answers SIGN_AS "unknown opcode"; then this vault signs with SIGN
   * from there on (sharing nothing), so the two can be upgraded one after the other.
   */
  @Override
  public BlsSignature sign(
      BlsPublicKey key, byte[] requestJson, SigningRequest decoded, Network network, String tenant) {
    if (tenant == null || !signAsSupported) {
      return sign(key, requestJson, decoded, network);
    }
    byte[] name = tenant.getBytes(StandardCharsets.US_ASCII);
    if (name.length == 0 || name.length > 255) {
      throw new IllegalArgumentException("tenant must be 1 to 255 characters");
    }
    byte[] prefix = ByteBuffer.allocate(49 + name.length).put(key.toArray()).put((byte) name.length).put(name).array();
    Frame response = call(SIGN_AS, concat(prefix, requestJson));
    if (response.opcode() == BAD_REQUEST && utf8(response.payload()).startsWith("unknown opcode")) {
      signAsSupported = false;
      LOG.warn("the vault process does not know SIGN_AS (an older release): signing without shared hashes to the curve");
      return sign(key, requestJson, decoded, network);
    }
    return signature(key, response);
  }

  private static byte[] concat(byte[] head, byte[] json) {
    byte[] out = java.util.Arrays.copyOf(head, head.length + json.length);
    System.arraycopy(json, 0, out, head.length, json.length);
    return out;
  }

  private BlsSignature signature(BlsPublicKey key, Frame response) {
    switch (response.opcode()) {
      case OK_SIGNATURE:
        if (response.payload().length != SIGNATURE_BYTES) {
          throw unexpected(response);
        }
        return BlsSignature.wrap(response.payload());
      case UNKNOWN_KEY:
        throw new UnknownKeyException(key);
      case REFUSED: {
        ByteBuffer b = ByteBuffer.wrap(response.payload());
        int ruleLength = b.hasRemaining() ? Byte.toUnsignedInt(b.get()) : -1;
        if (ruleLength < 0 || ruleLength > b.remaining()) {
          throw unexpected(response);
        }
        VaultRefusedException.Rule rule = VaultRefusedException.Rule.parse(utf8(take(b, ruleLength)));
        if (rule == null) {
          throw unexpected(response);
        }
        throw new VaultRefusedException(rule, key, utf8(take(b, b.remaining())));
      }
      default:
        expect(response, OK_SIGNATURE);
        throw unexpected(response);
    }
  }

  @Override
  public java.util.Set<dev.palisade.evm.Address> evmAddresses() {
    Frame response = call(LIST_EVM_KEYS, new byte[0]);
    expect(response, OK_EVM_KEYS);
    ByteBuffer b = ByteBuffer.wrap(response.payload());
    int count = b.remaining() >= 4 ? b.getInt() : -1;
    if (count < 0 || b.remaining() != 20L * count) {
      throw unexpected(response);
    }
    java.util.Set<dev.palisade.evm.Address> out = new java.util.HashSet<>();
    for (int i = 0; i < count; i++) {
      out.add(new dev.palisade.evm.Address(take(b, 20)));
    }
    return out;
  }

  /** Sends the typed content (never a digest); the vault process parses and hashes it itself. */
  @Override
  public dev.palisade.evm.EvmSignature signEvm(dev.palisade.evm.Address address,
      dev.palisade.evm.EvmSigningRequest request) {
    Frame response = call(SIGN_EVM, EvmWire.encode(address, request));
    if (response.opcode() == UNKNOWN_KEY) {
      throw new dev.palisade.vault.UnknownEvmKeyException(address);
    }
    expect(response, OK_EVM_SIGNATURE);
    try {
      return EvmWire.decodeSignature(response.payload());
    } catch (IllegalArgumentException e) {
      throw unexpected(response);
    }
  }

  private boolean bool(Frame response) {
    expect(response, OK_BOOL);
    if (response.payload().length != 1) {
      throw unexpected(response);
    }
    return response.payload()[0] != 0;
  }

  /** Throws the vault's BAD_REQUEST / ERROR, or an IO error for any other unexpected opcode. */
  private static void expect(Frame response, byte opcode) {
    if (response.opcode() == opcode) {
      return;
    }
    if (response.opcode() == BAD_REQUEST) {
      throw new RemoteVaultException(
          RemoteVaultException.Kind.BAD_REQUEST, "vault: bad request: " + utf8(response.payload()), null);
    }
    if (response.opcode() == ERROR) {
      throw new RemoteVaultException(
          RemoteVaultException.Kind.ERROR, "vault error: " + utf8(response.payload()), null);
    }
    throw unexpected(response);
  }

  private static RemoteVaultException unexpected(Frame response) {
    return new RemoteVaultException(
        RemoteVaultException.Kind.IO,
        "unexpected vault response 0x" + Integer.toHexString(response.opcode() & 0xff), null);
  }

  private Frame call(byte opcode, byte[] payload) {
    if (closed) {
      throw new IllegalStateException("remote vault client is closed");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new RemoteVaultException(
            RemoteVaultException.Kind.TIMEOUT, "no vault connection free within " + timeout, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteVaultException(RemoteVaultException.Kind.IO, "interrupted", e);
    }
    try {
      SocketChannel pooled = idle.pollFirst();
      if (pooled != null) {
        try {
          return exchange(pooled, opcode, payload, deadline);
        } catch (IOException e) {
          // a stale connection (vault restarted): retry once on a fresh one below
        }
      }
      try {
        return exchange(connect(), opcode, payload, deadline);
      } catch (IOException e) {
        if (System.nanoTime() - deadline >= 0) {
          throw new RemoteVaultException(
              RemoteVaultException.Kind.TIMEOUT, "the vault did not answer within " + timeout, e);
        }
        throw new RemoteVaultException(
            RemoteVaultException.Kind.IO, "vault at " + address.getPath() + " unreachable: " + e.getMessage(), e);
      }
    } finally {
      permits.release();
    }
  }

  private SocketChannel connect() throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(address);
      return channel;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /** One request/response on {@code channel}; returns it to the pool on success, closes it otherwise. */
  private Frame exchange(SocketChannel channel, byte opcode, byte[] payload, long deadline) throws IOException {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      channel.close();
      throw new IOException("timed out");
    }
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> watchdog =
        WATCHDOG.schedule(() -> {
          expired.set(true);
          try {
            channel.close(); // unblocks the read below
          } catch (IOException e) {
            // closed anyway
          }
        }, remaining, TimeUnit.NANOSECONDS);
    boolean ok = false;
    try {
      write(channel, opcode, payload);
      Frame response = read(channel, MAX_RESPONSE_FRAME);
      if (response == null) {
        throw new IOException("the vault closed the connection");
      }
      ok = true;
      return response;
    } finally {
      watchdog.cancel(false);
      if (ok && !expired.get() && !closed) {
        idle.addFirst(channel);
      } else {
        channel.close();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (SocketChannel channel; (channel = idle.pollFirst()) != null; ) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
