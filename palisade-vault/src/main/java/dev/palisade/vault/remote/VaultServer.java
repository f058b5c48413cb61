package dev.palisade.vault.remote;

import static dev.palisade.vault.remote.VaultProtocol.*;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.signing.InvalidRequestException;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.eth2.signing.SigningRequestDecoder;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.UnknownKeyException;
import dev.palisade.vault.VaultRefusedException;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.keys.KeySealer;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@link InProcessVault} over a Unix domain socket with {@link VaultProtocol}. The
 * socket file is created with mode 0600 in a directory that must be (or is created) 0700, and each
 * connection's peer credentials ({@code SO_PEERCRED}) must name the allowed user, or the connection
 * is closed before any request is read. Every request is decoded and hashed here, with this
 * vault's own network; a malformed frame is answered with BAD_REQUEST (or closes the connection if
 * the framing itself is broken) and never stops the server.
 */
public final class VaultServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VaultServer.class);
  private static final int MAX_CONNECTIONS = 64;

  private final Path socket;
  private final ServerSocketChannel server;
  private final InProcessVault vault;
  private final Network network;
  private final KekRing keks; // null: LOAD_SEALED_KEY is refused
  private final UserPrincipal allowedUser;
  private final SigningRequestDecoder decoder = new SigningRequestDecoder();
  private final ExecutorService handlers;
  private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
  private final List<SocketChannel> open = new ArrayList<>();
  private final Thread acceptor;
  private volatile boolean closed;

  private VaultServer(
      Path socket, ServerSocketChannel server, InProcessVault vault, Network network, KekRing keks, UserPrincipal allowedUser) {
    this.socket = socket;
    this.server = server;
    this.vault = vault;
    this.network = network;
    this.keks = keks;
    this.allowedUser = allowedUser;
    this.handlers =
        new ThreadPoolExecutor(
            0, MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
            runnable -> {
              Thread thread = new Thread(runnable, "vault-connection");
              thread.setDaemon(true);
              return thread;
            });
    this.acceptor = new Thread(this::acceptLoop, "vault-acceptor");
    this.acceptor.setDaemon(true);
  }

  /**
   * Binds {@code socket} and starts serving.
   *
   * @param keks the KEKs LOAD_SEALED_KEY may open records with, or null to refuse that request
   * @param allowedUser the only user whose processes may connect ({@link PeerCredentials})
   */
  public static VaultServer start(
      Path socket, InProcessVault vault, Network network, KekRing keks, UserPrincipal allowedUser)
      throws IOException {
    Path dir = socket.toAbsolutePath().getParent();
    prepareDirectory(dir);
    if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS)
          && !Files.isSymbolicLink(socket)) {
        Files.delete(socket); // a stale socket of an earlier run
      } else {
        throw new IOException(socket + " exists and is not a socket");
      }
    }
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.bind(UnixDomainSocketAddress.of(socket));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    VaultServer vaultServer = new VaultServer(socket, channel, vault, network, keks, allowedUser);
    vaultServer.acceptor.start();
    LOG.info("vault listening on {} for user {}", socket, allowedUser.getName());
    return vaultServer;
  }

  /** Creates the directory 0700, or checks that an existing one is not open to group or others. */
  private static void prepareDirectory(Path dir) throws IOException {
    Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rwx------");
    if (!Files.exists(dir)) {
      Files.createDirectories(dir.getParent());
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(ownerOnly));
      Files.setPosixFilePermissions(dir, ownerOnly); // regardless of the umask
      return;
    }
    Set<PosixFilePermission> actual = Files.getPosixFilePermissions(dir);
    for (PosixFilePermission p : actual) {
      if (!ownerOnly.contains(p)) {
        throw new IOException(
            "the vault socket directory " + dir + " must be accessible by its owner only (mode 0700), not "
                + PosixFilePermissions.toString(actual));
      }
    }
  }

  public Path socket() {
    return socket;
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("vault accept failed: {}", e.getMessage());
        }
        continue;
      }
      if (!connections.tryAcquire()) {
        reject(channel, "too many connections");
        continue;
      }
      try {
        handlers.execute(() -> {
          try {
            serve(channel);
          } finally {
            connections.release();
          }
        });
      } catch (RuntimeException e) {
        connections.release();
        reject(channel, "vault is shutting down");
      }
    }
  }

  private static void reject(SocketChannel channel, String message) {
    try (channel) {
      write(channel, ERROR, utf8(message));
    } catch (IOException e) {
      // the peer is gone
    }
  }

  private void serve(SocketChannel channel) {
    synchronized (open) {
      if (closed) {
        reject(channel, "vault is shutting down");
        return;
      }
      open.add(channel);
    }
    try (channel) {
      UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
      if (peer == null || !allowedUser.equals(peer.user())) {
        LOG.warn(
            "vault connection refused: peer user {} is not the allowed user {}",
            peer == null ? "unknown" : peer.user().getName(), allowedUser.getName());
        write(channel, ERROR, utf8("peer not allowed"));
        return;
      }
      while (!closed) {
        Frame request;
        try {
          request = VaultProtocol.read(channel, MAX_REQUEST_FRAME);
        } catch (FramingException e) {
          write(channel, BAD_REQUEST, utf8(e.getMessage()));
          return; // the stream cannot be resynchronised
        }
        if (request == null) {
          return;
        }
        Response response = handle(request);
        write(channel, response.opcode, response.payload);
      }
    } catch (IOException e) {
      // truncated frame or peer gone: drop the connection, keep serving others
    } finally {
      synchronized (open) {
        open.remove(channel);
      }
    }
  }

  private record Response(byte opcode, byte[] payload) {}

  private static Response badRequest(String message) {
    return new Response(BAD_REQUEST, utf8(message));
  }

  /** Visible for tests: answers one request without a socket. Never throws. */
  Response handle(Frame request) {
    try {
      byte[] payload = request.payload();
      switch (request.opcode()) {
        case SIGN:
          return sign(payload);
        case LIST_KEYS: {
          if (payload.length != 0) {
            return badRequest("LIST_KEYS takes no payload");
          }
          List<BlsPublicKey> keys = new ArrayList<>(vault.publicKeys());
          keys.sort(null);
          ByteBuffer out = ByteBuffer.allocate(4 + 48 * keys.size());
          out.putInt(keys.size());
          keys.forEach(k -> out.put(k.toArray()));
          return new Response(OK_KEYS, out.array());
        }
        case HAS_KEY: {
          if (payload.length != 48) {
            return badRequest("HAS_KEY takes a 48-byte public key");
          }
          return bool(vault.holds(BlsPublicKey.wrap(payload)));
        }
        case REMOVE_KEY: {
          if (payload.length != 48) {
            return badRequest("REMOVE_KEY takes a 48-byte public key");
          }
          return bool(vault.remove(BlsPublicKey.wrap(payload)));
        }
        case LOAD_SEALED_KEY:
          return load(payload);
        case HEALTH: {
          if (payload.length != 0) {
            return badRequest("HEALTH takes no payload");
          }
          return new Response(OK_HEALTH, ByteBuffer.allocate(4).putInt(vault.publicKeys().size()).array());
        }
        default:
          return badRequest("unknown opcode 0x" + Integer.toHexString(request.opcode() & 0xff));
      }
    } catch (RuntimeException e) {
      LOG.error("vault request failed: {}", e.getClass().getSimpleName());
      return new Response(ERROR, utf8("internal error (" + e.getClass().getSimpleName() + ")"));
    }
  }

  private static Response bool(boolean value) {
    return new Response(OK_BOOL, new byte[] {(byte) (value ? 1 : 0)});
  }

  private Response sign(byte[] payload) {
    if (payload.length <= 48) {
      return badRequest("SIGN takes a 48-byte public key and a request body");
    }
    BlsPublicKey key = BlsPublicKey.wrap(java.util.Arrays.copyOf(payload, 48));
    byte[] json = java.util.Arrays.copyOfRange(payload, 48, payload.length);
    try {
      SigningRequest request = decoder.decode(json);
      byte[] signature = vault.sign(key, request, network).toArray();
      return new Response(OK_SIGNATURE, signature);
    } catch (InvalidRequestException e) {
      return badRequest(e.getMessage());
    } catch (UnknownKeyException e) {
      return new Response(UNKNOWN_KEY, key.toArray());
    } catch (VaultRefusedException e) {
      byte[] rule = utf8(e.rule().name());
      byte[] message = utf8(e.getMessage());
      return new Response(
          REFUSED, ByteBuffer.allocate(1 + rule.length + message.length).put((byte) rule.length).put(rule).put(message).array());
    }
  }

  private Response load(byte[] payload) {
    if (keks == null) {
      return new Response(ERROR, utf8("this vault has no KEK to open sealed keys with"));
    }
    SealedKey record;
    try {
      record = VaultProtocol.decodeSealedKey(payload);
    } catch (IllegalArgumentException e) {
      return badRequest("malformed sealed record: " + e.getMessage());
    }
    if (vault.holds(record.publicKey())) {
      return bool(false);
    }
    try {
      BlsSecretKey key = KeySealer.open(record, keks); // full check: one key, derivation is cheap
      return bool(vault.add(key));
    } catch (SealedKeyException e) {
      return badRequest("sealed record does not open: " + e.kind());
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    synchronized (open) {
      for (SocketChannel channel : open) {
        try {
          channel.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }
    handlers.shutdown();
    try {
      acceptor.join(2000);
      handlers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // a stale socket is removed at the next start
    }
  }
}
