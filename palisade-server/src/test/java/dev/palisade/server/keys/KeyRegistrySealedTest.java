package dev.palisade.server.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Networks;
import dev.palisade.server.NodeConfig;
import dev.palisade.server.PalisadeNode;
import dev.palisade.server.ServerConfig;
import dev.palisade.vault.kek.Passphrase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key registry on a durable node: sealed records in the node's database, keys in the vault. */
class KeyRegistrySealedTest {
  private static final Actor ACTOR = new Actor("km", dev.palisade.auth.OperatorId.of("default"));
  private static final BlsPublicKey PUBKEY = BlsPublicKey.fromHex(
      "0x9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07");
  private static final String PASSWORD =
      "\uD835\uDD31\uD835\uDD22\uD835\uDD30\uD835\uDD31\uD835\uDD2D\uD835\uDD1E\uD835\uDD30\uD835\uDD30\uD835\uDD34\uD835\uDD2C\uD835\uDD2F\uD835\uDD21\uD83D\uDD11";

  @TempDir Path data;
  private String keystore;

  @BeforeEach
  void readKeystore() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/vectors/eip2335-keystores/erc2335_pbkdf2_test_vector.keystore.json")) {
      keystore = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private NodeConfig config(Optional<String> passphrase) {
    NodeConfig base =
        new NodeConfig(
            new ServerConfig("127.0.0.1", 0, 1 << 20, 4),
            Networks.named("mainnet"),
            data,
            NodeConfig.SlashingConfig.embedded(),
            Optional.empty());
    return base.withSealedKeys(
        new SealedKeysConfig(
            data.resolve("kek.sealed"),
            passphrase.map(value -> (SealedKeysConfig.PassphraseReader) () -> Passphrase.of(value)),
            Optional.empty()));
  }

  @Test
  void importsDurablyDeletesFromBothAndKeepsSlashingHistory() {
    try (PalisadeNode node = PalisadeNode.start(config(Optional.of("kek passphrase")))) {
      node.addKeys(List.of());
      KeyRegistry keys = node.keys();
      assertEquals(KeyRegistry.ImportStatus.ERROR, keys.importKeystore(ACTOR, keystore, "wrong", null).status());
      assertEquals(KeyRegistry.ImportStatus.IMPORTED, keys.importKeystore(ACTOR, keystore, PASSWORD, null).status());
      assertEquals(KeyRegistry.ImportStatus.DUPLICATE, keys.importKeystore(ACTOR, keystore, PASSWORD, null).status());
      assertEquals(List.of(new KeyRegistry.KeyInfo(PUBKEY, Optional.of("m/12381/60/0/0"), false)),
          keys.list(ACTOR.operator()));
      assertTrue(node.loadedKeys().contains(PUBKEY));
    }
    // restarted: the key comes back from the database
    try (PalisadeNode node = PalisadeNode.start(config(Optional.of("kek passphrase")))) {
      assertEquals(1, node.loadSealedKeys().orElseThrow().loaded());
      node.addKeys(List.of());
      assertTrue(node.loadedKeys().contains(PUBKEY));
      assertEquals(List.of(PUBKEY), node.access().store().keysOf(dev.palisade.server.access.AccessControl.DEFAULT_OPERATOR));
      assertEquals(KeyRegistry.DeleteStatus.DELETED, node.keys().delete(ACTOR, PUBKEY, true).status());
      assertFalse(node.loadedKeys().contains(PUBKEY));
      assertEquals(KeyRegistry.DeleteStatus.NOT_ACTIVE, node.keys().delete(ACTOR, PUBKEY, true).status());
      // slashing history is kept: the validator is still registered
      java.io.ByteArrayOutputStream interchange = new java.io.ByteArrayOutputStream();
      node.slashingProtection().exportInterchange(interchange, List.of(PUBKEY));
      assertTrue(interchange.toString(StandardCharsets.UTF_8).contains(PUBKEY.toHex()), interchange.toString());
    }
    // without a passphrase and with no sealed key left, the node starts, and refuses imports it
    // could not make durable rather than keeping them in memory only
    try (PalisadeNode node = PalisadeNode.start(config(Optional.empty()))) {
      assertTrue(node.loadSealedKeys().isEmpty());
      KeyRegistry.ImportResult refused = node.keys().importKeystore(ACTOR, keystore, PASSWORD, null);
      assertEquals(KeyRegistry.ImportStatus.ERROR, refused.status());
      assertTrue(refused.message().contains("no key-wrapping key"), refused.message());
      assertFalse(node.loadedKeys().contains(PUBKEY));
    }
  }

  @Test
  void sealedKeysWithoutPassphraseStopTheStartNamingTheOptions() throws Exception {
    try (PalisadeNode node = PalisadeNode.start(config(Optional.of("kek passphrase")))) {
      node.keys().importKeystore(ACTOR, keystore, PASSWORD, null);
    }
    IllegalStateException missing =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> PalisadeNode.start(config(Optional.empty())).close());
    assertTrue(missing.getMessage().contains("--kek-passphrase-file")
        && missing.getMessage().contains("PALISADE_KEK_PASSPHRASE"), missing.getMessage());
    byte[] kek = Files.readAllBytes(data.resolve("kek.sealed"));
    IllegalStateException wrong =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> PalisadeNode.start(config(Optional.of("wrong"))).close());
    assertTrue(wrong.getMessage().contains("wrong passphrase"), wrong.getMessage());
    assertEquals(java.util.Arrays.toString(kek), java.util.Arrays.toString(Files.readAllBytes(data.resolve("kek.sealed"))));
  }
}
