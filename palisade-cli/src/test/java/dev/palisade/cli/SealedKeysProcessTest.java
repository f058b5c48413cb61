package dev.palisade.cli;

import static dev.palisade.cli.PalisadeHarness.PASSWORD;
import static dev.palisade.cli.PalisadeHarness.PUBKEY;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.cli.PalisadeHarness.Ended;
import dev.palisade.cli.PalisadeHarness.Outcome;
import dev.palisade.cli.PalisadeHarness.Running;
import dev.palisade.server.NodeStorage;
import dev.palisade.store.Database;
import dev.palisade.server.NodeConfig;
import dev.palisade.server.keys.SealedKeys;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.keys.KekRotation;
import dev.palisade.vault.seal.OperatorId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealed keys end to end: {@code palisade keys import}, then {@code palisade run} as a real process
 * with only the KEK passphrase, signing the RANDAO vector; restarts, wrong passphrases, deletion,
 * KEK rotation (also resumed after an interruption), and no clear key anywhere in the data directory.
 */
class SealedKeysProcessTest {

  @TempDir Path temp;
  private PalisadeHarness harness;
  private Path keystores;
  private Path passwords;
  private Path data;
  private Path passphrase;

  @BeforeEach
  void keystore() throws IOException {
    keystores = Files.createDirectories(temp.resolve("keys"));
    try (InputStream in = getClass().getResourceAsStream("/vectors/eip2335-keystores/erc2335_pbkdf2_test_vector.keystore.json")) {
      Files.copy(in, keystores.resolve("validator.json"));
    }
    passwords = Files.createDirectories(temp.resolve("passwords"));
    Files.writeString(passwords.resolve("validator.txt"), PASSWORD + "\n", StandardCharsets.UTF_8);
    data = temp.resolve("data");
    harness = new PalisadeHarness(data);
    passphrase = Files.writeString(temp.resolve("kek-pass"), "correct horse battery staple\n");
  }

  @Test
  void importedKeySignsAcrossRestartsAndNoClearKeyIsAtRest() throws Exception {
    Outcome imported = importKeys(passphrase);
    assertEquals(0, imported.code(), imported.all());
    assertTrue(imported.out().contains("Imported 1 key(s), 0 duplicate(s), 0 failed"), imported.all());
    assertTrue(imported.err().contains("1/1 keys") && imported.err().contains("keys/s"), "progress bar: " + imported.err());
    assertFalse(imported.all().contains(PASSWORD), "the keystore password never appears");
    Outcome again = importKeys(passphrase);
    assertEquals(0, again.code(), again.all());
    assertTrue(again.out().contains("Imported 0 key(s), 1 duplicate(s), 0 failed"), again.all());
    assertTrue(harness.cli("keys", "list").out().contains(PUBKEY + "  sealed-file:"));

    try (Running node = harness.run(Map.of(), "--kek-passphrase-file", passphrase.toString())) {
      assertTrue(node.output().contains("Loaded 1 sealed key(s)"), node.output());
      assertTrue(node.output().contains("Ready: 1 key(s)"), node.output());
      node.assertSignsRandao();
    }
    // restart, the passphrase now from the environment
    try (Running node = harness.run(Map.of("PALISADE_KEK_PASSPHRASE", "correct horse battery staple"))) {
      assertTrue(node.output().contains("Ready: 1 key(s)"), node.output());
      node.assertSignsRandao();
    }
    PalisadeHarness.assertNoClearKeyUnder(data);
  }

  @Test
  void wrongOrMissingPassphraseIsAClearErrorAndChangesNothing() throws Exception {
    assertEquals(0, importKeys(passphrase).code());
    byte[] kekBefore = Files.readAllBytes(data.resolve("kek.sealed"));
    String listBefore = harness.cli("keys", "list").out();
    Path wrong = Files.writeString(temp.resolve("wrong-pass"), "not the passphrase\n");

    Ended wrongRun = harness.runToExit(Map.of(), "--kek-passphrase-file", wrong.toString());
    assertNotEquals(0, wrongRun.code(), wrongRun.output());
    assertTrue(wrongRun.output().contains("wrong passphrase for KEK file"), wrongRun.output());
    assertFalse(wrongRun.output().contains("listening on"), "it never serves: " + wrongRun.output());

    Ended noPassphrase = harness.runToExit(Map.of());
    assertNotEquals(0, noPassphrase.code(), noPassphrase.output());
    assertTrue(noPassphrase.output().contains("1 sealed key(s)")
        && noPassphrase.output().contains("--kek-passphrase-file")
        && noPassphrase.output().contains("PALISADE_KEK_PASSPHRASE"), noPassphrase.output());

    Outcome wrongImport = importKeys(wrong);
    assertEquals(1, wrongImport.code(), wrongImport.all());
    assertTrue(wrongImport.err().contains("wrong passphrase"), wrongImport.all());

    assertArrayEquals(kekBefore, Files.readAllBytes(data.resolve("kek.sealed")));
    assertEquals(listBefore, harness.cli("keys", "list").out());
    try (Running node = harness.run(Map.of(), "--kek-passphrase-file", passphrase.toString())) {
      node.assertSignsRandao();
    }
  }

  @Test
  void rotateTheKekAlsoAfterAnInterruptionThenDeleteTheKey() throws Exception {
    assertEquals(0, importKeys(passphrase).code());
    Path second = Files.writeString(temp.resolve("second-pass"), "second passphrase\n");
    Outcome rotated = harness.cli("kek", "rotate", "--kek-passphrase-file", passphrase.toString(),
        "--new-kek-passphrase-file", second.toString());
    assertEquals(0, rotated.code(), rotated.all());
    assertTrue(rotated.out().contains("1 key(s) rewrapped"), rotated.all());
    assertFalse(Files.exists(data.resolve("kek.sealed.new")));
    Ended oldPassphrase = harness.runToExit(Map.of(), "--kek-passphrase-file", passphrase.toString());
    assertNotEquals(0, oldPassphrase.code(), oldPassphrase.output());
    try (Running node = harness.run(Map.of(), "--kek-passphrase-file", second.toString())) {
      node.assertSignsRandao();
    }

    // A rotation to a third KEK that stopped after rewrapping, before the KEK file was replaced.
    Path third = Files.writeString(temp.resolve("third-pass"), "third passphrase\n");
    try (Database database = NodeStorage.open(NodeConfig.SlashingConfig.embedded(), data);
        SealedFileKek current = SealedFileKek.open(data.resolve("kek.sealed"), Passphrase.of("second passphrase"));
        SealedFileKek next = SealedFileKek.create(
            data.resolve("kek.sealed.new"), Passphrase.of("third passphrase"), ScryptParams.DEFAULT)) {
      new KekRotation(SealedKeys.store(database), KekRing.of(current), next).rotate(OperatorId.DEFAULT);
    }
    Ended interrupted = harness.runToExit(Map.of(), "--kek-passphrase-file", second.toString());
    assertNotEquals(0, interrupted.code(), interrupted.output());
    assertTrue(interrupted.output().contains("rotation was interrupted"), interrupted.output());
    Outcome resumed = harness.cli("kek", "rotate", "--kek-passphrase-file", second.toString(),
        "--new-kek-passphrase-file", third.toString());
    assertEquals(0, resumed.code(), resumed.all());
    assertTrue(resumed.out().contains("0 key(s) rewrapped, 1 already on the new KEK"), resumed.all());
    try (Running node = harness.run(Map.of(), "--kek-passphrase-file", third.toString())) {
      node.assertSignsRandao();
    }

    Outcome deleted = harness.cli("keys", "delete", PUBKEY);
    assertEquals(0, deleted.code(), deleted.all());
    assertTrue(harness.cli("keys", "list").out().contains("0 sealed key(s)"));
    assertEquals(1, harness.cli("keys", "delete", PUBKEY).code());
    // with no sealed key left, `palisade run` starts without any passphrase (the quick start)
    try (Running node = harness.run(Map.of())) {
      assertTrue(node.output().contains("Ready: 0 key(s)"), node.output());
    }
    PalisadeHarness.assertNoClearKeyUnder(data);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private Outcome importKeys(Path kekPassphrase) {
    return harness.cli("keys", "import", "--keystores-path", keystores.toString(),
        "--keystores-passwords-path", passwords.toString(), "--kek-passphrase-file", kekPassphrase.toString());
  }
}
