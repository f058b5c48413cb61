package dev.palisade.vault.remote;

import static dev.palisade.vault.remote.VaultProtocol.*;

import dev.palisade.eth2.Network;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.kek.KekRing;
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
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
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
 * the framing itself is broken) and never stops the server. A peer that stalls mid-frame is cut off
 * after the frame timeout ({@link ConnectionTable}).
 */
public final class VaultServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VaultServer.class);
  private static final int MAX_CONNECTIONS = 64;
  /** A whole frame (at most 4 MiB over a local socket) arrives in milliseconds; 5 s is generous. */
  public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(5);

  private final Path socket;
  private final ServerSocketChannel server;
  private final VaultRequestHandler requests;
  private final UserPrincipal allowedUser;
  private final ExecutorService handlers;
  private final ConnectionTable connections;
  private final Thread acceptor;
  private volatile boolean closed;

  private VaultServer(
      Path socket, ServerSocketChannel server, InProcessVault vault, Network network, KekRing keks,
      UserPrincipal allowedUser, Duration frameTimeout) {
    this.connections = new ConnectionTable(MAX_CONNECTIONS, frameTimeout);
    this.socket = socket;
    this.server = server;
    this.requests = new VaultRequestHandler(vault, network, keks);
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
    return start(socket, vault, network, keks, allowedUser, DEFAULT_FRAME_TIMEOUT);
  }

  /** As above, with the time a peer may take to send one frame or to read one response. */
  public static VaultServer start(
      Path socket, InProcessVault vault, Network network, KekRing keks, UserPrincipal allowedUser,
      Duration frameTimeout) throws IOException {
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
    VaultServer vaultServer = new VaultServer(socket, channel, vault, network, keks, allowedUser, frameTimeout);
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
      ConnectionTable.Connection connection = connections.admit(channel);
      if (connection == null) {
        reject(channel, "too many connections");
        continue;
      }
      try {
        handlers.execute(() -> {
          try {
            serve(connection);
          } finally {
            connections.release(connection);
          }
        });
      } catch (RuntimeException e) {
        connections.release(connection);
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

  private void serve(ConnectionTable.Connection connection) {
    SocketChannel channel = connection.channel;
    if (closed) {
      reject(channel, "vault is shutting down");
      return;
    }
    try (channel) {
      UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
      if (peer == null || !allowedUser.equals(peer.user())) {
        LOG.warn(
            "vault connection refused: peer user {} is not the allowed user {}",
            peer == null ? "unknown" : peer.user().getName(), allowedUser.getName());
        write(channel, ERROR, utf8("peer not allowed"));
        drainUntilClosed(connection);
        return;
      }
      while (!closed) {
        Frame request;
        try {
          request = VaultProtocol.read(connection, MAX_REQUEST_FRAME);
          connection.idle(); // handling is not the peer's time
        } catch (FramingException e) {
          write(channel, BAD_REQUEST, utf8(e.getMessage()));
          return; // the stream cannot be resynchronised
        }
        if (request == null) {
          return;
        }
        VaultRequestHandler.Response response = requests.handle(request);
        connection.busy(); // a peer that does not read its response is cut off too
        write(channel, response.opcode(), response.payload());
        connection.idle();
      }
    } catch (IOException e) {
      // truncated or stalled frame, or peer gone: drop the connection, keep serving others
    }
  }

  /**
   * Closing at once could fail the peer's request write (EPIPE) before it reads why it was refused,
   * so its bytes are discarded until it closes, or until the frame timeout cuts it off.
   */
  private static void drainUntilClosed(ConnectionTable.Connection connection) throws IOException {
    connection.channel.shutdownOutput();
    connection.busy();
    ByteBuffer discard = ByteBuffer.allocate(4096);
    while (connection.channel.read(discard) >= 0) {
      discard.clear();
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
    connections.close();
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
