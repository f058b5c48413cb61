package dev.palisade.server.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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

/** The node's durable key manager: sealed records in the node's database, keys in the vault. */
class SealedKeyManagerTest {
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
      KeyManager keys = node.keyManager();
      assertInstanceOf(SealedKeyManager.class, keys);
      assertEquals(KeyManager.ImportStatus.ERROR, keys.importKeystore(keystore, "wrong").status());
      assertEquals(KeyManager.ImportStatus.IMPORTED, keys.importKeystore(keystore, PASSWORD).status());
      assertEquals(KeyManager.ImportStatus.DUPLICATE, keys.importKeystore(keystore, PASSWORD).status());
      assertEquals(List.of(new KeyManager.KeyInfo(PUBKEY, Optional.of("m/12381/60/0/0"), false)), keys.list());
      assertTrue(node.loadedKeys().contains(PUBKEY));
    }
    // restarted: the key comes back from the database
    try (PalisadeNode node = PalisadeNode.start(config(Optional.of("kek passphrase")))) {
      assertEquals(1, node.loadSealedKeys().orElseThrow().loaded());
      node.addKeys(List.of());
      assertTrue(node.loadedKeys().contains(PUBKEY));
      assertEquals(List.of(PUBKEY), node.access().store().keysOf(dev.palisade.server.access.AccessControl.DEFAULT_OPERATOR));
      assertTrue(node.keyManager().delete(PUBKEY));
      assertFalse(node.loadedKeys().contains(PUBKEY));
      assertFalse(node.keyManager().delete(PUBKEY));
      // slashing history is kept: the validator is still registered
      java.io.ByteArrayOutputStream interchange = new java.io.ByteArrayOutputStream();
      node.slashingProtection().exportInterchange(interchange, List.of(PUBKEY));
      assertTrue(interchange.toString(StandardCharsets.UTF_8).contains(PUBKEY.toHex()), interchange.toString());
    }
    // without a passphrase and with no sealed key left, the node starts and manages keys in memory
    try (PalisadeNode node = PalisadeNode.start(config(Optional.empty()))) {
      assertTrue(node.loadSealedKeys().isEmpty());
      assertInstanceOf(VaultOnlyKeyManager.class, node.keyManager());
    }
  }

  @Test
  void sealedKeysWithoutPassphraseStopTheStartNamingTheOptions() throws Exception {
    try (PalisadeNode node = PalisadeNode.start(config(Optional.of("kek passphrase")))) {
      node.keyManager().importKeystore(keystore, PASSWORD);
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
