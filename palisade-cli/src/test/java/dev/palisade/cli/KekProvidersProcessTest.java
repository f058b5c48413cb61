package dev.palisade.cli;

import static dev.palisade.cli.PalisadeHarness.PASSWORD;
import static dev.palisade.cli.PalisadeHarness.PUBKEY;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.cli.PalisadeHarness.Ended;
import dev.palisade.cli.PalisadeHarness.Outcome;
import dev.palisade.cli.PalisadeHarness.Running;
import dev.palisade.vault.kek.KmsStub;
import dev.palisade.vault.kek.SoftHsm;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealed keys under a KEK in a real SoftHSM2 token: {@code palisade keys import --kek-provider
 * pkcs11}, then {@code palisade run --kek-provider pkcs11} as a real process signing the RANDAO
 * vector; a wrong PIN is a clear error that changes nothing; a run with another provider for the
 * same keys names the configured one. And {@code --kek-provider aws-kms} against a local stub of the
 * KMS calls (AWS cannot be reached here), credentials from the SDK's default chain.
 */
class KekProvidersProcessTest {

  @TempDir Path temp;
  private PalisadeHarness harness;
  private Path keystores;
  private Path passwords;
  private Path data;
  private Path pin;
  private Path wrongPin;
  private SoftHsm hsm;

  @BeforeEach
  void keystoreAndToken() throws Exception {
    hsm = SoftHsm.token();
    keystores = Files.createDirectories(temp.resolve("keys"));
    try (InputStream in = getClass().getResourceAsStream("/vectors/eip2335-keystores/erc2335_pbkdf2_test_vector.keystore.json")) {
      Files.copy(in, keystores.resolve("validator.json"));
    }
    passwords = Files.createDirectories(temp.resolve("passwords"));
    Files.writeString(passwords.resolve("validator.txt"), PASSWORD + "\n", StandardCharsets.UTF_8);
    data = temp.resolve("data");
    harness = new PalisadeHarness(data);
    pin = Files.writeString(temp.resolve("pin"), SoftHsm.USER_PIN + "\n");
    wrongPin = Files.writeString(temp.resolve("wrong-pin"), "0000-wrong\n");
  }

  /** {@code more}, then the token by its position in the slot list and the KEK by its label. */
  private String[] pkcs11(String... more) {
    List<String> args = new ArrayList<>(List.of(more));
    args.addAll(List.of(
        "--kek-provider", "pkcs11", "--pkcs11-library", hsm.library.toString(),
        "--pkcs11-slot-index", "0", "--pkcs11-key-label", "cli-kek"));
    return args.toArray(String[]::new);
  }

  @Test
  void keysImportedUnderTheTokenKekSignAndAWrongPinOrProviderChangesNothing() throws Exception {
    Outcome imported = importKeys(pin);
    assertEquals(0, imported.code(), imported.all());
    assertTrue(imported.out().contains("Imported 1 key(s), 0 duplicate(s), 0 failed"), imported.all());
    String listBefore = harness.cli("keys", "list").out();
    assertTrue(listBefore.contains(PUBKEY + "  pkcs11:cli-kek"), listBefore);
    assertFalse(Files.exists(data.resolve("kek.sealed")), "no sealed-file KEK is made");

    try (Running node = harness.run(Map.of(), pkcs11("--pkcs11-pin-file", pin.toString()))) {
      assertTrue(node.output().contains("Loaded 1 sealed key(s)"), node.output());
      assertTrue(node.output().contains("Ready: 1 key(s)"), node.output());
      node.assertSignsRandao();
    }

    // A wrong PIN: `run` stops before serving, `keys import` imports nothing.
    Ended wrongRun = harness.runToExit(Map.of(), pkcs11("--pkcs11-pin-file", wrongPin.toString()));
    assertNotEquals(0, wrongRun.code(), wrongRun.output());
    assertTrue(wrongRun.output().contains("the HSM refused the PIN")
        && wrongRun.output().contains("nothing was changed"), wrongRun.output());
    assertFalse(wrongRun.output().contains("listening on"), "it never serves: " + wrongRun.output());
    assertFalse(wrongRun.output().contains("0000-wrong"), "the PIN never appears");
    Outcome wrongImport = importKeys(wrongPin);
    assertEquals(1, wrongImport.code(), wrongImport.all());
    assertTrue(wrongImport.err().contains("the HSM refused the PIN"), wrongImport.all());
    Ended noPin = harness.runToExit(Map.of(), pkcs11());
    assertNotEquals(0, noPin.code(), noPin.output());
    assertTrue(noPin.output().contains("no PKCS#11 PIN was given")
        && noPin.output().contains("--pkcs11-pin-file")
        && noPin.output().contains("PALISADE_PKCS11_PIN"), noPin.output());

    // The same keys with another provider: refused, naming the configured one.
    Path passphrase = Files.writeString(temp.resolve("kek-pass"), "correct horse battery staple\n");
    Ended otherProvider = harness.runToExit(Map.of(), "--kek-passphrase-file", passphrase.toString());
    assertNotEquals(0, otherProvider.code(), otherProvider.output());
    assertTrue(otherProvider.output().contains("wrapped by the pkcs11 KEK pkcs11:cli-kek")
        && otherProvider.output().contains("--kek-provider pkcs11"), otherProvider.output());
    Outcome otherImport = harness.cli("keys", "import", "--keystores-path", keystores.toString(),
        "--keystores-passwords-path", passwords.toString(), "--kek-passphrase-file", passphrase.toString());
    assertEquals(1, otherImport.code(), otherImport.all());
    assertTrue(otherImport.err().contains("--kek-provider pkcs11"), otherImport.all());
    assertFalse(Files.exists(data.resolve("kek.sealed")), "the refused provider created nothing");

    assertEquals(listBefore, harness.cli("keys", "list").out());
    // restart, the PIN now from the environment
    try (Running node = harness.run(Map.of("PALISADE_PKCS11_PIN", SoftHsm.USER_PIN), pkcs11())) {
      assertTrue(node.output().contains("Ready: 1 key(s)"), node.output());
      node.assertSignsRandao();
    }
    PalisadeHarness.assertNoClearKeyUnder(data);
  }

  @Test
  void keysImportedUnderAnAwsKmsKeySignThroughTheDefaultCredentialsChain() throws Exception {
    try (KmsStub kms = new KmsStub()) {
      String[] options = {
        "--kek-provider", "aws-kms", "--aws-kms-key-id", KmsStub.KEY_ARN, "--aws-kms-region", "eu-west-1",
        "--aws-kms-endpoint", kms.endpoint().toString()
      };
      List<String> importArgs = new ArrayList<>(List.of("keys", "import", "--keystores-path", keystores.toString(),
          "--keystores-passwords-path", passwords.toString()));
      importArgs.addAll(List.of(options));
      // The default chain reads system properties first (in this JVM), the environment in the child.
      System.setProperty("aws.accessKeyId", "AKIDPALISADETEST");
      System.setProperty("aws.secretAccessKey", "fake-secret");
      Outcome imported;
      try {
        imported = harness.cli(importArgs.toArray(String[]::new));
      } finally {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
      }
      assertEquals(0, imported.code(), imported.all());
      assertTrue(imported.out().contains("Imported 1 key(s), 0 duplicate(s), 0 failed"), imported.all());
      assertTrue(harness.cli("keys", "list").out().contains(PUBKEY + "  aws-kms:" + KmsStub.KEY_ARN));
      assertEquals(1, kms.count("GenerateDataKey"));
      Map<String, String> credentials = Map.of(
          "AWS_ACCESS_KEY_ID", "AKIDPALISADETEST", "AWS_SECRET_ACCESS_KEY", "fake-secret");
      try (Running node = harness.run(credentials, options)) {
        assertTrue(node.output().contains("Ready: 1 key(s)"), node.output());
        node.assertSignsRandao();
      }
      assertTrue(kms.count("Decrypt") >= 1, "the child unwrapped the data key through KMS");
      Ended sealedFile = harness.runToExit(Map.of(), "--kek-passphrase-file", pin.toString());
      assertNotEquals(0, sealedFile.code(), sealedFile.output());
      assertTrue(sealedFile.output().contains("--kek-provider aws-kms"), sealedFile.output());
      PalisadeHarness.assertNoClearKeyUnder(data);
    }
  }

  @Test
  void providerOptionsAreChecked() {
    Outcome unknown = harness.cli("keys", "import", "--keystores-path", keystores.toString(),
        "--keystores-password-file", passwords.resolve("validator.txt").toString(), "--kek-provider", "vault");
    assertNotEquals(0, unknown.code(), unknown.all());
    assertTrue(unknown.err().contains("sealed-file, pkcs11 or aws-kms"), unknown.all());
    Outcome mixed = harness.cli("keys", "import", "--keystores-path", keystores.toString(),
        "--keystores-password-file", passwords.resolve("validator.txt").toString(), "--pkcs11-slot-index", "0");
    assertNotEquals(0, mixed.code(), mixed.all());
    assertTrue(mixed.err().contains("need --kek-provider pkcs11"), mixed.all());
    Outcome kms = harness.cli("keys", "import", "--keystores-path", keystores.toString(),
        "--keystores-password-file", passwords.resolve("validator.txt").toString(), "--kek-provider", "aws-kms");
    assertNotEquals(0, kms.code(), kms.all());
    assertTrue(kms.err().contains("--aws-kms-key-id and --aws-kms-region"), kms.all());
    Outcome rotate = harness.cli(pkcs11("kek", "rotate", "--new-kek-passphrase-file", pin.toString()));
    assertNotEquals(0, rotate.code(), rotate.all());
  }

  // ---- helpers (as in SealedKeysProcessTest) --------------------------------------------------

  private Outcome importKeys(Path pinFile) {
    return harness.cli(pkcs11("keys", "import", "--keystores-path", keystores.toString(),
        "--keystores-passwords-path", passwords.toString(), "--pkcs11-pin-file", pinFile.toString()));
  }
}
