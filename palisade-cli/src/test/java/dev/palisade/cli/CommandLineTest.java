package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {
  @TempDir Path temp;

  private record Outcome(int exitCode, String out, String err) {}

  private static Outcome execute(Map<String, String> environment, String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(args, environment);
      return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  @ParameterizedTest(name = "palisade {0} --help")
  @ValueSource(strings = {"", "run", "slashing", "slashing export", "slashing import"})
  void everyCommandHasHelp(String command) {
    String[] args = (command.isEmpty() ? "--help" : command + " --help").split(" ");
    Outcome outcome = execute(Map.of(), args);
    assertEquals(0, outcome.exitCode(), outcome.err());
    assertTrue(outcome.out().contains("Usage: palisade"), outcome.out());
  }

  @Test
  void runHelpListsTheWeb3SignerKeyFlags() {
    Outcome outcome = execute(Map.of(), "run", "--help");
    for (String flag :
        new String[] {"--keystores-path", "--keystores-passwords-path", "--keystores-password-file",
          "--http-listen-port", "--http-listen-host", "--data-path", "--network"}) {
      assertTrue(outcome.out().contains(flag), flag);
    }
  }

  @Test
  void unknownNetworkIsAClearError() {
    Outcome outcome =
        execute(Map.of(), "run", "--network", "atlantis", "--data-path", temp.toString(), "--http-listen-port", "0");
    assertEquals(1, outcome.exitCode());
    assertTrue(outcome.err().contains("atlantis"), outcome.err());
  }

  @Test
  void aBadConfigFileIsAClearError() throws Exception {
    Path config = Files.writeString(temp.resolve("config.yaml"), "http-listen-port: [1, 2]\n");
    Outcome outcome = execute(Map.of(), "run", "--config-file", config.toString());
    assertEquals(2, outcome.exitCode());
    assertTrue(outcome.err().contains("http-listen-port"), outcome.err());
  }

  @Test
  void everyOptionIsDescribedAndEverySummaryIsAWholeSentence() {
    java.util.List<String> problems = new java.util.ArrayList<>();
    checkHelp(new picocli.CommandLine(new PalisadeCommand()), problems);
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  private static void checkHelp(picocli.CommandLine command, java.util.List<String> problems) {
    var spec = command.getCommandSpec();
    String[] description = spec.usageMessage().description();
    if (description.length == 0 || !description[0].trim().endsWith(".")) {
      problems.add(spec.qualifiedName() + ": summary is not one whole sentence: "
          + (description.length == 0 ? "(none)" : description[0]));
    }
    for (var option : spec.options()) {
      if (!option.usageHelp() && !option.versionHelp()
          && (option.description().length == 0 || option.description()[0].isBlank())) {
        problems.add(spec.qualifiedName() + " " + option.longestName() + ": no description");
      }
    }
    command.getSubcommands().values().forEach(sub -> checkHelp(sub, problems));
  }

  @Test
  void aMistypedConfigKeyStopsTheStartNamingTheOption() throws Exception {
    Path config = Files.writeString(temp.resolve("typo.yaml"), "http-listen-prot: 9100\n");
    Outcome outcome = execute(Map.of(), "run", "--config-file", config.toString(), "--data-path", temp.toString());
    assertEquals(2, outcome.exitCode(), outcome.err());
    assertTrue(outcome.err().contains("'http-listen-prot'") && outcome.err().contains("http-listen-port"), outcome.err());
    assertTrue(outcome.out().isEmpty(), "nothing started: " + outcome.out());
  }

  @Test
  void aMistypedVariableStopsTheStartNamingTheOption() {
    Outcome outcome = execute(Map.of("PALISADE_HTTP_LISTEN_PROT", "9100"), "run", "--data-path", temp.toString());
    assertEquals(2, outcome.exitCode(), outcome.err());
    assertTrue(outcome.err().contains("PALISADE_HTTP_LISTEN_PROT") && outcome.err().contains("PALISADE_HTTP_LISTEN_PORT"),
        outcome.err());
  }

  @Test
  void secretVariablesThatAreNotOptionsAndOptionAliasesAreAccepted() {
    Outcome outcome = execute(Map.of("PALISADE_KEK_PASSPHRASE", "x", "PALISADE_JAVA_OPTS", "-Xmx1g",
        "PALISADE_DB_URL", "jdbc:postgresql://db/palisade", "PALISADE_SLASHING_PROTECTION_DB_URL", "jdbc:postgresql://db/p"),
        "run", "--help");
    assertEquals(0, outcome.exitCode(), outcome.err());
  }

  @Test
  void slashingImportReportsSlashablePairsAndImportsNothingUnlessAccepted() throws Exception {
    Path data = temp.resolve("data");
    String gvr = "0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95";
    String pubkey = "0x" + "b8".repeat(48);
    Path first = Files.writeString(temp.resolve("first.json"), """
        {"metadata":{"interchange_format_version":"5","genesis_validators_root":"%s"},
         "data":[{"pubkey":"%s","signed_blocks":[],
           "signed_attestations":[{"source_epoch":"10","target_epoch":"11","signing_root":"0x%s"}]}]}
        """.formatted(gvr, pubkey, "11".repeat(32)));
    assertEquals(0, execute(Map.of(), "slashing", "import", "--data-path", data.toString(), "--from", first.toString()).exitCode());
    // a double vote against the database (target 11, another root) and a surround within the file
    Path conflicting = Files.writeString(temp.resolve("conflicting.json"), """
        {"metadata":{"interchange_format_version":"5","genesis_validators_root":"%s"},
         "data":[{"pubkey":"%s","signed_blocks":[],
           "signed_attestations":[{"source_epoch":"10","target_epoch":"11","signing_root":"0x%s"},
                                  {"source_epoch":"3","target_epoch":"20","signing_root":"0x%s"},
                                  {"source_epoch":"10","target_epoch":"11","signing_root":"0x%s"}]}]}
        """.formatted(gvr, pubkey, "22".repeat(32), "33".repeat(32), "11".repeat(32)));
    Outcome refused = execute(Map.of(), "slashing", "import", "--data-path", data.toString(), "--from", conflicting.toString());
    assertEquals(1, refused.exitCode(), refused.out() + refused.err());
    assertTrue(refused.out().contains("3 record(s): 2 new, 1 already present"), refused.out());
    assertTrue(refused.out().contains("double vote") && refused.out().contains("surround vote"), refused.out());
    assertTrue(refused.err().contains("nothing was imported"), refused.err());
    Path exported = temp.resolve("after.json");
    assertEquals(0, execute(Map.of(), "slashing", "export", "--data-path", data.toString(), "--to", exported.toString()).exitCode());
    assertTrue(!Files.readString(exported).contains("\"20\""), "the refused file left no record");

    Outcome accepted = execute(Map.of(), "slashing", "import", "--data-path", data.toString(), "--from",
        conflicting.toString(), "--accept-conflicts");
    assertEquals(0, accepted.exitCode(), accepted.err());
  }

  @Test
  void fileErrorsNameTheOptionThePathAndWhy() {
    Path missing = temp.resolve("missing.json");
    Outcome from = execute(Map.of(), "slashing", "import", "--data-path", temp.toString(), "--from", missing.toString());
    assertEquals(1, from.exitCode());
    assertTrue(from.err().contains("cannot read --from " + missing + ": no such file"), from.err());
    Path nowhere = temp.resolve("no-such-dir").resolve("out.json");
    Outcome to = execute(Map.of(), "slashing", "export", "--data-path", temp.toString(), "--to", nowhere.toString());
    assertEquals(1, to.exitCode());
    assertTrue(to.err().contains("cannot write --to " + nowhere + ": no such directory"), to.err());
    Outcome password = execute(Map.of(), "run", "--data-path", temp.toString(), "--keystores-path", temp.toString(),
        "--keystores-password-file", missing.toString(), "--http-listen-port", "0");
    assertEquals(1, password.exitCode());
    assertTrue(password.err().contains("cannot read --keystores-password-file " + missing + ": no such file"), password.err());
    assertTrue(!password.out().contains("listening"), "refused before starting: " + password.out());
    Outcome importing = execute(Map.of(), "keys", "import", "--data-path", temp.toString(), "--keystores-path",
        temp.toString(), "--keystores-password-file", missing.toString());
    assertEquals(1, importing.exitCode());
    assertTrue(importing.err().contains("cannot read --keystores-password-file " + missing + ": no such file"),
        importing.err());
  }

  @Test
  void slashingImportRefusesAnInvalidFileAndRoundTripsAValidOne() throws Exception {
    Path data = temp.resolve("data");
    Path bad = Files.writeString(temp.resolve("bad.json"), "{\"metadata\": 5}");
    Outcome failed = execute(Map.of(), "slashing", "import", "--data-path", data.toString(), "--from", bad.toString());
    assertEquals(1, failed.exitCode(), failed.out());
    assertTrue(failed.err().contains("palisade: "), failed.err());
    Path exported = temp.resolve("out.json");
    Outcome nothing = execute(Map.of(), "slashing", "export", "--data-path", data.toString(), "--to", exported.toString());
    assertEquals(1, nothing.exitCode(), "the failed import pinned nothing and recorded nothing");
    assertTrue(Files.notExists(exported));

    String pubkey = "0x" + "b8".repeat(48);
    Path valid = Files.writeString(temp.resolve("valid.json"), """
        {"metadata":{"interchange_format_version":"5",
          "genesis_validators_root":"0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95"},
         "data":[{"pubkey":"%s",
           "signed_blocks":[{"slot":"81952","signing_root":"0x%s"}],
           "signed_attestations":[{"source_epoch":"2290","target_epoch":"3007","signing_root":"0x%s"}]}]}
        """.formatted(pubkey, "4f".repeat(32), "58".repeat(32)));
    Outcome imported = execute(Map.of(), "slashing", "import", "--data-path", data.toString(), "--from", valid.toString());
    assertEquals(0, imported.exitCode(), imported.err());
    Outcome export = execute(Map.of(), "slashing", "export", "--data-path", data.toString(), "--to", exported.toString());
    assertEquals(0, export.exitCode(), export.err());
    String json = Files.readString(exported);
    for (String expected : new String[] {pubkey, "81952", "2290", "3007", "4f".repeat(32), "58".repeat(32)}) {
      assertTrue(json.contains(expected), expected + " in " + json);
    }
  }
}
