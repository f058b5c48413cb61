package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/systemd/palisade.service: hardened, its ExecStart options exist, and systemd accepts it. */
class SystemdUnitTest {
  private static final Path UNIT = Path.of("..", "docs", "systemd", "palisade.service");

  @Test
  void theUnitIsHardenedAndKeepsStateInItsStateDirectory() throws Exception {
    String unit = Files.readString(UNIT);
    for (String line : List.of("NoNewPrivileges=yes", "ProtectSystem=strict", "StateDirectory=palisade",
        "StateDirectoryMode=0700", "UMask=0077", "CapabilityBoundingSet=", "ExecReload=/bin/kill -HUP $MAINPID",
        "--data-path=/var/lib/palisade")) {
      assertTrue(unit.contains(line), line);
    }
  }

  @Test
  void everyExecStartOptionIsAnOptionOfRun() throws Exception {
    String execStart = Files.readString(UNIT).replace("\\\n", " ").lines()
        .filter(line -> line.startsWith("ExecStart=")).findFirst().orElseThrow();
    List<String> args = new ArrayList<>(List.of(execStart.substring(execStart.indexOf(" run ") + 1).trim().split("\\s+")));
    CommandLine.ParseResult parsed = new CommandLine(new PalisadeCommand())
        .setCaseInsensitiveEnumValuesAllowed(true) // as Main configures it
        .parseArgs(args.toArray(String[]::new));
    assertEquals("run", parsed.subcommand().commandSpec().name());
  }

  @Test
  void systemdAnalyzeVerifiesIt() throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed: skipped");
    Process process = new ProcessBuilder(analyze.toString(), "verify", UNIT.toAbsolutePath().normalize().toString())
        .redirectErrorStream(true).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);
    assertTrue(!output.contains("Unknown key") && !output.contains("Failed to parse"), output);
  }
}
