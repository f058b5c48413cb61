package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.server.NodeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** --db-url and its alias, the password from a file or the environment, and the identity refusal on the CLI. */
class DatabaseOptionsTest {
  private static final String URL = "jdbc:postgresql://db.example:5432/palisade";
  @TempDir Path temp;

  @Command(name = "probe")
  static final class Probe {
    @Mixin StoreOptions store;
  }

  private static NodeConfig.SlashingConfig parse(Map<String, String> environment, String... args) {
    Probe probe = new Probe();
    CommandLine commandLine = new CommandLine(probe);
    commandLine.setDefaultValueProvider(ConfigDefaults.load(null, environment));
    commandLine.parseArgs(args);
    return probe.store.slashingConfig();
  }

  @Test
  void dbUrlAndTheOldNameAreTheSameOption() {
    assertEquals(URL, parse(Map.of(), "--db-url", URL).postgresUrl().orElseThrow());
    assertEquals(URL, parse(Map.of(), "--slashing-protection-db-url", URL).postgresUrl().orElseThrow());
    assertEquals(URL, parse(Map.of("PALISADE_DB_URL", URL)).postgresUrl().orElseThrow());
    assertEquals(URL, parse(Map.of("PALISADE_SLASHING_PROTECTION_DB_URL", URL)).postgresUrl().orElseThrow());
    assertEquals("signer", parse(Map.of(), "--db-url", URL, "--db-username", "signer").username());
    IllegalArgumentException other =
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--db-url", "jdbc:mysql://db/x"));
    assertTrue(other.getMessage().contains("jdbc:postgresql://"), other.getMessage());
  }

  @Test
  void thePasswordComesFromAFileOrTheEnvironmentAndIsNeverPrinted() throws Exception {
    Path file = Files.writeString(temp.resolve("db.pass"), "s3cret-from-file\n");
    NodeConfig.SlashingConfig fromFile = parse(Map.of(), "--db-url", URL, "--db-password-file", file.toString());
    assertEquals("s3cret-from-file", fromFile.password());
    assertFalse(fromFile.toString().contains("s3cret"), fromFile.toString());
    assertEquals("s3cret-from-env", parse(Map.of("PALISADE_DB_PASSWORD", "s3cret-from-env"), "--db-url", URL).password());
    assertEquals("old-way", parse(Map.of(), "--db-url", URL, "--slashing-protection-db-password", "old-way").password());

    IllegalArgumentException twice =
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of("PALISADE_DB_PASSWORD", "s3cret-from-env"),
            "--db-url", URL, "--db-password-file", file.toString()));
    assertFalse(twice.getMessage().contains("s3cret"), twice.getMessage());
  }

  @Test
  void acceptNewDatabaseIsOffUnlessGiven() {
    assertFalse(parse(Map.of()).acceptNewDatabase());
    assertTrue(parse(Map.of(), "--db-accept-new-database").acceptNewDatabase());
  }

  @Test
  void anEmptyDatabaseIsRefusedUntilTheHistoryIsImported() throws Exception {
    Path data = temp.resolve("data");
    Path history = Files.writeString(temp.resolve("history.json"), """
        {"metadata":{"interchange_format_version":"5",
          "genesis_validators_root":"0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95"},
         "data":[{"pubkey":"0x%s","signed_blocks":[{"slot":"81952","signing_root":"0x%s"}],
           "signed_attestations":[]}]}
        """.formatted("b8".repeat(48), "4f".repeat(32)));
    Result first = run("slashing", "import", "--data-path", data.toString(), "--from", history.toString());
    assertEquals(0, first.code(), first.err());
    assertTrue(Files.exists(data.resolve("database-id")));
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Files.deleteIfExists(data.resolve("slashing-protection.sqlite" + suffix));
    }
    Result refused = run("slashing", "export", "--data-path", data.toString(), "--to", temp.resolve("x.json").toString());
    assertEquals(1, refused.code());
    assertTrue(refused.err().contains("refusing to start") && refused.err().contains("does not exist"), refused.err());

    Result imported = run("slashing", "import", "--data-path", data.toString(), "--from", history.toString());
    assertEquals(0, imported.code(), imported.err());
    Path exported = temp.resolve("y.json");
    assertEquals(0, run("slashing", "export", "--data-path", data.toString(), "--to", exported.toString()).code());
    assertTrue(Files.readString(exported).contains("81952"));
  }

  private record Result(int code, String err) {}

  private static Result run(String... args) {
    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(args, Map.of());
      return new Result(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(originalErr);
    }
  }
}
