package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.IdentityId;
import dev.palisade.auth.OperatorId;
import dev.palisade.crypto.Totp;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Networks;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.eth2.signing.SigningRequestDecoder;
import dev.palisade.policy.Decision;
import dev.palisade.policy.PolicyRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** palisade identity totp enroll|confirm|status|remove, and approval approve --totp, on the embedded database. */
class TotpCommandsTest {
  @TempDir Path temp;

  private PalisadeHarness.Outcome run(String... args) {
    return new PalisadeHarness(temp.resolve("data")).cli(args);
  }

  @Test
  void anEnrolledApproverVotesFromTheCliOnlyWithAValidCodeAndTheKek() throws Exception {
    Path passphrase = Files.writeString(temp.resolve("kek-passphrase"), "kek passphrase of default");
    String kek = passphrase.toString();
    assertEquals(0, run("operator", "create", "default").code());
    for (String[] identity : new String[][] {{"exits", "sign:exit"}, {"a1", "approve"}}) {
      assertEquals(0, run("identity", "create", "--name", identity[0], "--type", "token", "--operator", "default",
          "--scopes", identity[1]).code());
    }
    Path policy = Files.writeString(temp.resolve("p.yaml"), "rules: {voluntary_exit: {action: approval, approvals: 1}}");
    assertEquals(0, run("policy", "set", "operator", "default", policy.toString()).code());

    PalisadeHarness.Outcome enrolled = run("identity", "totp", "enroll", "--name", "a1", "--kek-passphrase-file", kek);
    assertEquals(0, enrolled.code(), enrolled.all());
    assertTrue(enrolled.out().contains("otpauth://totp/Palisade%20default:a1?secret="), enrolled.out());
    Matcher shown = Pattern.compile("secret \\(Base32\\): ([A-Z2-7]+)").matcher(enrolled.out());
    assertTrue(shown.find(), enrolled.out());
    String base32 = shown.group(1);
    byte[] secret = Base32.decode(base32 + "=".repeat((8 - base32.length() % 8) % 8));
    assertEquals("a1: pending", run("identity", "totp", "status", "--name", "a1").out().strip());

    long step = Totp.step(Instant.now());
    String wrong = Totp.code(secret, step, 6).equals("000000") ? "000001" : "000000";
    PalisadeHarness.Outcome bad = run("identity", "totp", "confirm", "--name", "a1", "--totp", wrong,
        "--kek-passphrase-file", kek);
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("totp code invalid"), bad.err());
    assertEquals(0, run("identity", "totp", "confirm", "--name", "a1", "--totp", Totp.code(secret, step, 6),
        "--kek-passphrase-file", kek).code());
    assertEquals("a1: confirmed", run("identity", "totp", "status", "--name", "a1").out().strip());

    String id = requestExit();
    PalisadeHarness.Outcome noCode = run("approval", "approve", id, "--as", "a1");
    assertEquals(1, noCode.code());
    assertTrue(noCode.err().contains("totp code required"), noCode.err());
    String next = Totp.code(secret, step + 1, 6);
    PalisadeHarness.Outcome noKek = run("approval", "approve", id, "--as", "a1", "--totp", next);
    assertEquals(1, noKek.code());
    assertTrue(noKek.err().contains("KEK of operator default is not unlocked"), noKek.err());
    PalisadeHarness.Outcome wrongVote = run("approval", "approve", id, "--as", "a1", "--totp", wrong,
        "--kek-passphrase-file", kek);
    assertEquals(1, wrongVote.code());
    assertTrue(wrongVote.err().contains("totp code invalid"), wrongVote.err());
    assertTrue(run("approval", "show", id).out().contains("pending"), "no vote recorded");
    PalisadeHarness.Outcome approved = run("approval", "approve", id, "--as", "a1", "--totp", next,
        "--kek-passphrase-file", kek);
    assertEquals(0, approved.code(), approved.all());
    assertTrue(approved.out().contains("approved") && approved.out().contains("1/1"), approved.out());

    assertEquals(0, run("identity", "totp", "remove", "--name", "a1").code());
    assertEquals("a1: none", run("identity", "totp", "status", "--name", "a1").out().strip());
    String audit = run("audit", "tail", "-n", "30").out();
    for (String event : new String[] {"TOTP_ENROLL", "TOTP_CONFIRM", "TOTP_REFUSE", "TOTP_ACCEPT", "TOTP_REMOVE"}) {
      assertTrue(audit.contains(event), event + " in " + audit);
    }
    assertFalse(audit.contains(base32) || audit.contains(next), "neither the secret nor a code is audited");
  }

  /** The signer's side of an exit request: held for approval, answered with an id. */
  private String requestExit() {
    StoreOptions options = new StoreOptions();
    new picocli.CommandLine(options).parseArgs("--data-path", temp.resolve("data").toString());
    try (PolicyStores stores = PolicyStores.open(options)) {
      SigningRequest exit = new SigningRequestDecoder().decode(("""
          {"type":"VOLUNTARY_EXIT","fork_info":{"fork":{"previous_version":"0x00000000","current_version":"0x00000000","epoch":"0"},
           "genesis_validators_root":"0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95"},
           "voluntary_exit":{"epoch":"5","validator_index":"9"}}
          """).getBytes(StandardCharsets.UTF_8));
      Decision decision = stores.engine().evaluate(new PolicyRequest(exit, exit.signingRoot(Networks.named("mainnet")),
          BlsPublicKey.fromHex(PalisadeHarness.PUBKEY), IdentityId.of("exits"), OperatorId.of("default"),
          Optional.empty(), Instant.now()));
      return ((Decision.NeedsApproval) decision).approvalId();
    }
  }
}
