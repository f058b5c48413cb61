package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.IdentityId;
import dev.palisade.auth.OperatorId;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** palisade policy set|show|history|test and approval list|show|approve|deny against the embedded database. */
class PolicyCommandsTest {
  private static final String TREASURY = "abcf8e0d4e9587369b2301d0790347320302cc09";

  @TempDir Path temp;

  private PalisadeHarness.Outcome run(String... args) {
    return new PalisadeHarness(temp.resolve("data")).cli(args);
  }

  private Path file(String name, String content) throws Exception {
    return Files.writeString(temp.resolve(name), content);
  }

  private static String deposit(String credentials) {
    return """
        {"type":"DEPOSIT","deposit":{"pubkey":"%s","withdrawal_credentials":"%s","amount":"32000000000","genesis_fork_version":"0x00000000"}}
        """.formatted(PalisadeHarness.PUBKEY, credentials);
  }

  @Test
  void testDryRunsARequestFileAndHistoryListsEveryVersion() throws Exception {
    assertEquals(0, run("operator", "create", "default").code());
    assertEquals(0, run("identity", "create", "--name", "ops", "--type", "token", "--operator", "default",
        "--scopes", "sign:deposit").code());
    Path v1 = file("v1.yaml", "rules:\n  deposit:\n    withdrawal_credentials: ['0x" + TREASURY + "']\n");
    PalisadeHarness.Outcome set = run("policy", "set", "operator", "default", v1.toString());
    assertEquals(0, set.code(), set.all());
    assertTrue(set.out().contains("Set policy v1 for operator/default"), set.out());

    Path elsewhere = file("elsewhere.json", deposit("0x01" + "00".repeat(11) + "22".repeat(20)));
    PalisadeHarness.Outcome denied = run("policy", "test", "--key", PalisadeHarness.PUBKEY, "--identity", "ops",
        elsewhere.toString());
    assertEquals(3, denied.code(), denied.all());
    assertTrue(denied.out().contains("decision: deny") && denied.out().contains("rule: deposit_withdrawal_credentials")
        && denied.out().contains("policy version: 1"), denied.out());
    PalisadeHarness.Outcome allowed = run("policy", "test", "--key", PalisadeHarness.PUBKEY, "--identity", "ops",
        file("treasury.json", deposit("0x02" + "00".repeat(11) + TREASURY)).toString());
    assertEquals(0, allowed.code(), allowed.all());
    assertTrue(allowed.out().contains("decision: allow"), allowed.out());

    assertEquals(0, run("policy", "set", "operator", "default", file("v2.json", "{\"rules\": {}}").toString()).code());
    PalisadeHarness.Outcome history = run("policy", "history", "operator", "default");
    assertEquals(0, history.code(), history.all());
    String[] lines = history.out().strip().split("\n");
    assertEquals(2, lines.length, history.out());
    assertTrue(lines[0].startsWith("v2") && lines[1].startsWith("v1") && lines[1].contains("cli:"), history.out());
    assertTrue(run("policy", "show", "operator", "default").out().contains("{\"rules\": {}}"));
    assertEquals(0, run("policy", "test", "--key", PalisadeHarness.PUBKEY, "--identity", "ops", elsewhere.toString()).code(),
        "v2 has no deposit rule");

    PalisadeHarness.Outcome bad = run("policy", "set", "operator", "default", file("bad.yaml", "rules: {exits: {}}").toString());
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("unknown rule type 'exits'"), bad.err());
    assertTrue(run("audit", "tail", "-n", "5").out().contains("policy v2 set for operator/default"));
  }

  @Test
  void testDryRunsAnEvmRequestFileForAnAddress() throws Exception {
    String account = "0x" + "a1".repeat(20);
    assertEquals(0, run("operator", "create", "default").code());
    assertEquals(0, run("identity", "create", "--name", "wallet", "--type", "token", "--operator", "default",
        "--scopes", "sign:evm:tx,sign:evm:eip191").code());
    assertEquals(0, run("policy", "set", "key", account, file("evm.yaml",
        "rules: {evm_transaction: {chain_ids: [1], max_value: '1 ether'}}").toString()).code());
    String tx = "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x5208\",\"maxFeePerGas\":\"0x2\","
        + "\"maxPriorityFeePerGas\":\"0x1\",\"to\":\"0x" + "35".repeat(20) + "\",\"value\":\"%s\"}";
    PalisadeHarness.Outcome atLimit = run("policy", "test", "--key", account, "--identity", "wallet",
        file("ok.json", tx.formatted("1000000000000000000")).toString());
    assertEquals(0, atLimit.code(), atLimit.all());
    assertTrue(atLimit.out().contains("decision: allow") && atLimit.out().contains("policy version: 1"), atLimit.out());
    PalisadeHarness.Outcome above = run("policy", "test", "--key", account, "--identity", "wallet",
        file("over.json", tx.formatted("1000000000000000001")).toString());
    assertEquals(3, above.code(), above.all());
    assertTrue(above.out().contains("decision: deny") && above.out().contains("rule: evm_value"), above.out());
    PalisadeHarness.Outcome message = run("policy", "test", "--key", account, "--identity", "wallet",
        "--evm-kind", "eip191", file("msg.json", "{\"message\":\"hello\"}").toString());
    assertEquals(3, message.code(), message.all());
    assertTrue(message.out().contains("rule: evm_eip191_disabled"), message.out());
    PalisadeHarness.Outcome bad = run("policy", "test", "--key", account, "--identity", "wallet",
        file("bad.json", "{\"chainId\":\"0x1\"}").toString());
    assertEquals(1, bad.code(), bad.all());
    assertTrue(bad.err().contains("transaction.nonce"), bad.err());
  }

  @Test
  void approversVoteAsNamedIdentitiesUnderTheSameRules() throws Exception {
    assertEquals(0, run("operator", "create", "default").code());
    assertEquals(0, run("operator", "create", "opb").code());
    for (String[] identity : new String[][] {{"exits", "default", "sign:exit"}, {"a1", "default", "approve"},
        {"b1", "opb", "approve"}}) {
      assertEquals(0, run("identity", "create", "--name", identity[0], "--type", "token", "--operator", identity[1],
          "--scopes", identity[2]).code());
    }
    assertEquals(0, run("policy", "set", "operator", "default",
        file("p.yaml", "rules: {voluntary_exit: {action: approval, approvals: 1}}").toString()).code());
    String id = requestExit();

    PalisadeHarness.Outcome listed = run("approval", "list");
    assertTrue(listed.out().contains(id) && listed.out().contains("pending") && listed.out().contains("0/1"), listed.out());
    PalisadeHarness.Outcome stranger = run("approval", "approve", id, "--as", "b1");
    assertEquals(1, stranger.code());
    assertTrue(stranger.err().contains("no approval"), stranger.err());
    assertEquals(1, run("approval", "approve", id, "--as", "exits").code(), "the requester cannot approve");
    PalisadeHarness.Outcome approved = run("approval", "approve", id, "--as", "a1");
    assertEquals(0, approved.code(), approved.all());
    assertTrue(approved.out().contains("approved") && approved.out().contains("1/1"), approved.out());
    assertTrue(run("approval", "show", id).out().contains("approved by a1"));
    assertTrue(run("audit", "tail", "-n", "5").out().contains("approved by a1"));
  }

  /** The signer's side of an exit request: held for approval, answered with an id. */
  private String requestExit() throws Exception {
    StoreOptions options = new StoreOptions();
    new picocli.CommandLine(options).parseArgs("--data-path", temp.resolve("data").toString()); // the defaults, as a command gets them
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
