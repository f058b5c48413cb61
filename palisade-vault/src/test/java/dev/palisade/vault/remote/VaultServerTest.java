package dev.palisade.vault.remote;

import static dev.palisade.vault.remote.VaultProtocol.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.palisade.crypto.Bls;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.BlsSignature;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.SigningVectors;
import dev.palisade.vault.TestKeys;
import dev.palisade.vault.UnknownKeyException;
import dev.palisade.vault.VaultRefusedException;
import dev.palisade.vault.VaultSigning;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.keys.KeySealer;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.watermark.FileWatermarkStore;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vault protocol against a {@link VaultServer} running in a thread of the test JVM. */
class VaultServerTest {
  @TempDir Path dir;
  private Path socket;
  private SealedFileKek kek;
  private VaultServer server;
  private RemoteVault remote;
  private BlsPublicKey testKey;

  @BeforeEach
  void start() throws Exception {
    socket = dir.resolve("run").resolve("vault.sock");
    kek = SealedFileKek.create(dir.resolve("kek.sealed"), Passphrase.of("p"), ScryptParams.FOR_TESTS);
    InProcessVault vault = new InProcessVault(FileWatermarkStore.open(dir.resolve("data")));
    byte[] secret = SigningVectors.secret();
    try {
      BlsSecretKey key = BlsSecretKey.fromBytes(secret);
      testKey = key.publicKey();
      vault.add(key);
    } finally {
      java.util.Arrays.fill(secret, (byte) 0);
    }
    server = VaultServer.start(socket, vault, VaultSigning.MAINNET, KekRing.of(kek), PeerCredentials.currentUser());
    remote = new RemoteVault(socket, 4, Duration.ofSeconds(10));
    serverVault = vault;
  }

  private InProcessVault serverVault;

  @AfterEach
  void stop() {
    remote.close();
    server.close();
    serverVault.close();
    kek.close();
  }

  @Test
  void socketIsOwnerOnly() throws Exception {
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
    Path open = dir.resolve("open");
    Files.createDirectory(open);
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThrows(IOException.class,
        () -> VaultServer.start(open.resolve("v.sock"), new InProcessVault(), VaultSigning.MAINNET, null, PeerCredentials.currentUser()));
  }

  @Test
  void everyMainnetVectorSignsExactlyThroughTheProtocol() {
    Set<String> types = new java.util.TreeSet<>();
    for (SigningVectors.Vector v : SigningVectors.ordered()) {
      assertEquals(v.signature(), remote.sign(testKey, v.requestJson(), v.request(), null).toHex(), v.name());
      types.add(v.type());
    }
    assertEquals(13, types.size(), "every signing type: " + types);
    assertEquals(Set.of(testKey), remote.publicKeys());
    assertTrue(remote.holds(testKey));
    assertEquals(1, remote.health());
  }

  @Test
  void watermarkRefusalsComeBackTyped() {
    List<SigningVectors.Vector> vectors = SigningVectors.ordered();
    vectors.forEach(v -> remote.sign(testKey, v.requestJson(), v.request(), null));
    SigningVectors.Vector firstBlock = vectors.stream().filter(v -> v.group() == 1).findFirst().orElseThrow();
    SigningVectors.Vector firstAttestation = vectors.stream().filter(v -> v.group() == 2).findFirst().orElseThrow();
    VaultRefusedException block = assertThrows(VaultRefusedException.class,
        () -> remote.sign(testKey, firstBlock.requestJson(), firstBlock.request(), null));
    assertEquals(VaultRefusedException.Rule.BLOCK_SLOT_BELOW_WATERMARK, block.rule());
    assertEquals(testKey, block.key());
    assertEquals(VaultRefusedException.Rule.ATTESTATION_TARGET_BELOW_WATERMARK,
        assertThrows(VaultRefusedException.class,
            () -> remote.sign(testKey, firstAttestation.requestJson(), firstAttestation.request(), null)).rule());
    // a double vote: the latest attestation's body with another beacon_block_root
    SigningVectors.Vector last = vectors.get(vectors.size() - 1);
    String json = new String(last.requestJson(), StandardCharsets.UTF_8);
    String changed = json.replaceFirst("\"beacon_block_root\":\"0x[0-9a-f]{2}", "\"beacon_block_root\":\"0xee");
    assertNotEquals(json, changed);
    assertEquals(VaultRefusedException.Rule.ATTESTATION_DOUBLE_VOTE,
        assertThrows(VaultRefusedException.class,
            () -> remote.sign(testKey, changed.getBytes(StandardCharsets.UTF_8), null, null)).rule());
  }

  @Test
  void unknownKeysAndBodiesTheVaultCannotDecode() {
    SigningVectors.Vector randao = randao();
    BlsPublicKey other = TestKeys.random(new Random(5)).publicKey();
    assertThrows(UnknownKeyException.class, () -> remote.sign(other, randao.requestJson(), null, null));
    RemoteVaultException bad = assertThrows(RemoteVaultException.class,
        () -> remote.sign(testKey, "{\"type\":\"NOPE\"}".getBytes(StandardCharsets.UTF_8), null, null));
    assertEquals(RemoteVaultException.Kind.BAD_REQUEST, bad.kind());
    assertThrows(UnsupportedOperationException.class, () -> remote.sign(testKey, randao.request(), VaultSigning.MAINNET));
  }

  @Test
  void loadsASealedKeyWithItsOwnKekAndRemovesIt() throws Exception {
    BlsSecretKey key = TestKeys.random(new Random(9));
    byte[] root = randao().request().signingRoot(VaultSigning.MAINNET).toArray();
    assertTrue(remote.loadSealedKey(KeySealer.seal(key, new OperatorId("op"), kek)));
    assertFalse(remote.loadSealedKey(KeySealer.seal(key, new OperatorId("op"), kek)));
    BlsSignature signature = remote.sign(key.publicKey(), randao().requestJson(), null, null);
    assertTrue(Bls.verify(key.publicKey(), root, signature));
    // a record moved onto another public key does not open
    var moved = KeySealer.seal(key, new OperatorId("op"), kek);
    BlsPublicKey victim = TestKeys.random(new Random(10)).publicKey();
    var swapped = new dev.palisade.vault.seal.SealedKey(victim, moved.operator(), moved.formatVersion(),
        moved.kekId(), moved.wrappedDek(), moved.keyNonce(), moved.keyCiphertext());
    assertEquals(RemoteVaultException.Kind.BAD_REQUEST,
        assertThrows(RemoteVaultException.class, () -> remote.loadSealedKey(swapped)).kind());
    assertTrue(remote.remove(key.publicKey()));
    assertFalse(remote.holds(key.publicKey()));
    assertFalse(remote.remove(key.publicKey()));
    key.close();
  }

  @Test
  void aPeerThatIsNotTheAllowedUserIsRefused() throws Exception {
    Path other = dir.resolve("other").resolve("v.sock");
    String stranger = Integer.toString(PeerCredentials.currentUid() + 4242);
    try (InProcessVault vault = new InProcessVault();
        VaultServer refusing = VaultServer.start(other, vault, VaultSigning.MAINNET, null, PeerCredentials.user(stranger));
        RemoteVault client = new RemoteVault(other)) {
      RemoteVaultException e = assertThrows(RemoteVaultException.class, client::health);
      assertEquals(RemoteVaultException.Kind.ERROR, e.kind());
      assertTrue(e.getMessage().contains("peer not allowed"));
    }
  }

  @Test
  void concurrentClientsShareThePool() throws Exception {
    SigningVectors.Vector randao = randao();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        results.add(pool.submit(() -> remote.sign(testKey, randao.requestJson(), null, null).toHex()));
      }
      for (Future<String> result : results) {
        assertEquals(randao.signature(), result.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void reconnectsAfterTheVaultRestarts() throws Exception {
    SigningVectors.Vector randao = randao();
    assertEquals(randao.signature(), remote.sign(testKey, randao.requestJson(), null, null).toHex());
    server.close();
    server = VaultServer.start(socket, serverVault, VaultSigning.MAINNET, null, PeerCredentials.currentUser());
    assertEquals(randao.signature(), remote.sign(testKey, randao.requestJson(), null, null).toHex());
  }

  // --- raw frames ---

  private SocketChannel connect() throws IOException {
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

  /** Committee members sign one attestation: through SIGN_AS the vault process hashes it to the curve once. */
  @Test
  void signaturesOfOneMessageShareTheHashToTheCurveWithinOneTenantOnly() {
    SigningVectors.Vector attestation = SigningVectors.ordered().stream()
        .filter(v -> v.type().equals("ATTESTATION")).findFirst().orElseThrow();
    List<BlsSecretKey> members = TestKeys.random(7, 4);
    members.forEach(serverVault::add);
    var root = attestation.request().signingRoot(VaultSigning.MAINNET);
    for (BlsSecretKey member : members) {
      BlsSignature signature = remote.sign(member.publicKey(), attestation.requestJson(), attestation.request(), null, "op-a");
      assertEquals(member.sign(root), signature, "the same signature as without sharing");
    }
    assertEquals(new InProcessVault.HashToCurveStats(3, 1), serverVault.hashToCurveStats());

    // another tenant, the same message: its own hash (no timing tells it op-a signed this)
    remote.sign(members.get(0).publicKey(), attestation.requestJson(), attestation.request(), null, "op-b");
    // no tenant (SIGN): shares nothing
    remote.sign(members.get(1).publicKey(), attestation.requestJson(), attestation.request(), null, null);
    assertEquals(new InProcessVault.HashToCurveStats(3, 2), serverVault.hashToCurveStats());

    RemoteVaultException bad = assertThrows(RemoteVaultException.class,
        () -> remote.sign(members.get(0).publicKey(), attestation.requestJson(), attestation.request(), null, "not an id!"));
    assertEquals(RemoteVaultException.Kind.BAD_REQUEST, bad.kind());
    assertTrue(bad.getMessage().contains("tenant"), bad.getMessage());
  }

  /** A vault process of an older release answers SIGN_AS "unknown opcode": the node signs with SIGN instead. */
  @Test
  void aVaultProcessWithoutSignAsStillSigns() throws Exception {
    Path oldSocket = dir.resolve("old.sock");
    byte[] signature = new byte[SIGNATURE_BYTES];
    signature[0] = (byte) 0xc0; // not checked by the client beyond its length
    List<Byte> opcodes = java.util.Collections.synchronizedList(new ArrayList<>());
    try (var server = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(oldSocket));
      Thread old = new Thread(() -> {
        try (SocketChannel channel = server.accept()) {
          for (Frame f; (f = VaultProtocol.read(channel, MAX_REQUEST_FRAME)) != null; ) {
            opcodes.add(f.opcode());
            if (f.opcode() == SIGN) {
              VaultProtocol.write(channel, OK_SIGNATURE, signature);
            } else {
              VaultProtocol.write(channel, BAD_REQUEST, utf8("unknown opcode 0x" + Integer.toHexString(f.opcode())));
            }
          }
        } catch (IOException ignored) {
          // the client closed
        }
      });
      old.start();
      try (RemoteVault client = new RemoteVault(oldSocket, 1, Duration.ofSeconds(10))) {
        SigningVectors.Vector v = SigningVectors.ordered().get(0);
        assertEquals(BlsSignature.wrap(signature), client.sign(testKey, v.requestJson(), v.request(), null, "op-a"));
        assertEquals(BlsSignature.wrap(signature), client.sign(testKey, v.requestJson(), v.request(), null, "op-a"));
      }
      old.join(10_000);
    }
    assertEquals(List.of(SIGN_AS, SIGN, SIGN), opcodes, "asked once, then plain SIGN");
  }

  private static byte[] frame(int opcode, byte[] payload) {
    return ByteBuffer.allocate(5 + payload.length).putInt(1 + payload.length).put((byte) opcode).put(payload).array();
  }

  @Test
  void badFramesAreAnsweredWithoutCrashingTheVault() throws Exception {
    try (SocketChannel channel = connect()) {
      send(channel, frame(0x7f, new byte[3])); // unknown opcode: answered, connection kept
      assertEquals(BAD_REQUEST, read(channel, MAX_RESPONSE_FRAME).opcode());
      send(channel, frame(SIGN, new byte[10])); // too short
      assertEquals(BAD_REQUEST, read(channel, MAX_RESPONSE_FRAME).opcode());
      send(channel, frame(HAS_KEY, new byte[47]));
      assertEquals(BAD_REQUEST, read(channel, MAX_RESPONSE_FRAME).opcode());
      send(channel, frame(LOAD_SEALED_KEY, new byte[100]));
      assertEquals(BAD_REQUEST, read(channel, MAX_RESPONSE_FRAME).opcode());
      send(channel, frame(HEALTH, new byte[0]));
      assertEquals(OK_HEALTH, read(channel, MAX_RESPONSE_FRAME).opcode());
    }
    try (SocketChannel channel = connect()) { // oversize: answered, then closed
      send(channel, ByteBuffer.allocate(4).putInt(MAX_REQUEST_FRAME + 1).array());
      assertEquals(BAD_REQUEST, read(channel, MAX_RESPONSE_FRAME).opcode());
      assertNull(read(channel, MAX_RESPONSE_FRAME));
    }
    try (SocketChannel channel = connect()) { // zero length
      send(channel, new byte[4]);
      assertEquals(BAD_REQUEST, read(channel, MAX_RESPONSE_FRAME).opcode());
    }
    try (SocketChannel channel = connect()) { // truncated: the client gives up mid-frame
      send(channel, ByteBuffer.allocate(7).putInt(100).put(SIGN).put((byte) 1).put((byte) 2).array());
      channel.shutdownOutput();
      assertNull(read(channel, MAX_RESPONSE_FRAME));
    }
    assertEquals(1, remote.health());
  }

  @Test
  void seededRandomFramesNeverCrashTheVaultNorReturnTheSecret() throws Exception {
    List<byte[]> forms;
    byte[] secret = SigningVectors.secret();
    try {
      forms = SecretForms.of(secret);
    } finally {
      java.util.Arrays.fill(secret, (byte) 0);
    }
    List<SigningVectors.Vector> vectors = SigningVectors.ordered();
    Random random = new Random(20240611L);
    byte[] opcodes = {SIGN, LIST_KEYS, HAS_KEY, LOAD_SEALED_KEY, REMOVE_KEY, HEALTH, 0, 0x07, (byte) 0x80, (byte) 0xff};
    Set<Byte> allowed = Set.of(OK_SIGNATURE, OK_KEYS, OK_BOOL, OK_HEALTH, REFUSED, UNKNOWN_KEY, BAD_REQUEST, ERROR);
    int responses = 0;
    SocketChannel channel = connect();
    try {
      for (int i = 0; i < 400; i++) {
        byte opcode = opcodes[random.nextInt(opcodes.length)];
        byte[] payload;
        int shape = random.nextInt(4);
        if (opcode == SIGN && shape > 0) {
          SigningVectors.Vector v = vectors.get(random.nextInt(vectors.size()));
          byte[] json = v.requestJson().clone();
          for (int m = 0; m < shape - 1; m++) { // 0..2 random byte mutations
            json[random.nextInt(json.length)] = (byte) random.nextInt(256);
          }
          payload = new byte[48 + json.length];
          System.arraycopy(random.nextInt(4) == 0 ? new byte[48] : testKey.toArray(), 0, payload, 0, 48);
          System.arraycopy(json, 0, payload, 48, json.length);
        } else if (opcode == REMOVE_KEY) {
          payload = new byte[random.nextInt(60)]; // never the test key
          random.nextBytes(payload);
        } else {
          payload = new byte[random.nextInt(shape == 3 ? 2000 : 60)];
          random.nextBytes(payload);
        }
        boolean breakFraming = random.nextInt(20) == 0;
        if (breakFraming) { // a length that lies: longer than sent, then close
          send(channel, ByteBuffer.allocate(5 + payload.length).putInt(payload.length + 50).put(opcode).put(payload).array());
          channel.close();
          channel = connect();
          continue;
        }
        send(channel, frame(opcode, payload));
        Frame response = read(channel, MAX_RESPONSE_FRAME);
        assertNotNull(response, "the vault answers every well-framed request");
        assertTrue(allowed.contains(response.opcode()), "response opcode " + response.opcode());
        assertFalse(SecretForms.contains(response.payload(), forms), "a response holds the secret");
        responses++;
      }
    } finally {
      channel.close();
      SecretForms.wipe(forms);
    }
    assertTrue(responses > 300);
    assertEquals(1, remote.health());
    assertTrue(remote.holds(testKey));
  }

  private static SigningVectors.Vector randao() {
    return SigningVectors.ordered().stream().filter(v -> v.type().equals("RANDAO_REVEAL")).findFirst().orElseThrow();
  }
}
