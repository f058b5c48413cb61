package dev.palisade.vault.remote;

import static dev.palisade.vault.remote.VaultProtocol.ERROR;
import static dev.palisade.vault.remote.VaultProtocol.HEALTH;
import static dev.palisade.vault.remote.VaultProtocol.MAX_RESPONSE_FRAME;
import static dev.palisade.vault.remote.VaultProtocol.OK_HEALTH;
import static dev.palisade.vault.remote.VaultProtocol.SIGN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.VaultSigning;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peers that stall mid-frame cannot hold the vault's 64 connection slots. */
class VaultServerStallTest {
  private static final int SLOTS = 64;
  private static final Duration FRAME_TIMEOUT = Duration.ofSeconds(1);

  @TempDir Path dir;

  private SocketChannel connect(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    return channel;
  }

  private static void send(SocketChannel channel, byte[] raw) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(raw);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private static byte[] health() {
    return ByteBuffer.allocate(5).putInt(1).put(HEALTH).array();
  }

  @Test
  void halfSentFramesTimeOutAndFreeTheirSlots() throws Exception {
    Path socket = dir.resolve("run").resolve("vault.sock");
    PrintStream originalErr = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<SocketChannel> stalled = new ArrayList<>();
    try (InProcessVault vault = new InProcessVault();
        VaultServer server = VaultServer.start(
            socket, vault, VaultSigning.MAINNET, null, PeerCredentials.currentUser(), FRAME_TIMEOUT)) {
      SocketChannel idle = connect(socket); // between frames: keeps its slot
      send(idle, health());
      assertEquals(OK_HEALTH, VaultProtocol.read(idle, MAX_RESPONSE_FRAME).opcode());
      for (int i = 0; i < SLOTS - 1; i++) {
        SocketChannel channel = connect(socket);
        // 100 bytes announced, 3 sent, then nothing
        send(channel, ByteBuffer.allocate(7).putInt(100).put(SIGN).put((byte) 1).put((byte) 2).array());
        stalled.add(channel);
      }
      long stalledAt = System.nanoTime();

      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      try (SocketChannel refused = connect(socket)) {
        VaultProtocol.Frame answer = VaultProtocol.read(refused, MAX_RESPONSE_FRAME);
        assertEquals(ERROR, answer.opcode(), "the table is full");
        assertEquals("too many connections", VaultProtocol.utf8(answer.payload()));
      }
      try (SocketChannel refusedAgain = connect(socket)) {
        assertEquals(ERROR, VaultProtocol.read(refusedAgain, MAX_RESPONSE_FRAME).opcode());
      }
      System.setErr(originalErr);
      String logged = log.toString(StandardCharsets.UTF_8);
      assertTrue(logged.contains("WARN") && logged.contains("vault connection table is full (64 connections)"),
          logged);
      assertEquals(1, logged.split("connection table is full", -1).length - 1, "rate-limited: " + logged);

      assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
        for (SocketChannel channel : stalled) {
          assertNull(VaultProtocol.read(channel, MAX_RESPONSE_FRAME), "closed by the vault");
        }
      });
      long closedAfterMillis = (System.nanoTime() - stalledAt) / 1_000_000;
      assertTrue(closedAfterMillis >= FRAME_TIMEOUT.toMillis() - 100, closedAfterMillis + " ms");

      try (SocketChannel fresh = connect(socket)) {
        send(fresh, health());
        assertEquals(OK_HEALTH, VaultProtocol.read(fresh, MAX_RESPONSE_FRAME).opcode(), "a new client is served");
      }
      send(idle, health());
      assertEquals(OK_HEALTH, VaultProtocol.read(idle, MAX_RESPONSE_FRAME).opcode(), "idle is not stalled");
      idle.close();
      System.out.printf("%d stalled connections closed %d ms after they stalled (timeout %d ms)%n",
          stalled.size(), closedAfterMillis, FRAME_TIMEOUT.toMillis());
    } finally {
      System.setErr(originalErr);
      for (SocketChannel channel : stalled) {
        channel.close();
      }
    }
  }
}
