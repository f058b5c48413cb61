package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --log-format json} and {@code --logging} on a real {@code palisade run} process (Logback). */
class LoggingProcessTest {
  @TempDir Path data;

  @Test
  void jsonLogLinesAreOneObjectPerLine() throws Exception {
    PalisadeHarness harness = new PalisadeHarness(data);
    try (PalisadeHarness.Running running = harness.run(Map.of(), "--log-format", "json")) {
      JsonNode info = running.seen.stream()
          .filter(line -> line.startsWith("{"))
          .map(LoggingProcessTest::parse)
          .filter(json -> "INFO".equals(json.path("level").asText()))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no JSON INFO line: " + running.output()));
      assertFalse(info.path("message").asText().isBlank(), info.toString());
      assertFalse(info.path("loggerName").asText().isBlank(), info.toString());
    }
  }

  @Test
  void theLevelOptionSilencesInfo() throws Exception {
    PalisadeHarness harness = new PalisadeHarness(data);
    try (PalisadeHarness.Running running = harness.run(Map.of(), "--logging", "WARN")) {
      assertTrue(running.output().contains("Ready:"), running.output());
      assertFalse(running.seen.stream().anyMatch(line -> line.contains(" INFO ")), running.output());
    }
  }

  private static JsonNode parse(String line) {
    try {
      return new ObjectMapper().readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
