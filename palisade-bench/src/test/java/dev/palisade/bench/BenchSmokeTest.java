package dev.palisade.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the whole bench in quick mode (SQLite and an embedded PostgreSQL) and checks the shape of
 * its output: every row present, positive figures, a ratio. No timing thresholds: the figures
 * depend on the machine.
 */
class BenchSmokeTest {
  @TempDir Path temp;

  @Test
  void quickRunPrintsEveryRowWithPositiveNumbersAndARatio() throws Exception {
    Path json = temp.resolve("bench-results.json");
    BenchMain bench = new BenchMain();
    int exit =
        new CommandLine(bench)
            .execute(
                "--quick", "--validators", "400", "--concurrency", "32", "--duration", "2",
                "--warmup", "1", "--latency-duration", "1.5", "--raw-duration", "0.5",
                "--startup-keys", "500", "--work-dir", temp.resolve("work").toString(),
                "--json-out", json.toString());
    assertEquals(0, exit);

    JsonNode result = new ObjectMapper().readTree(json.toFile());
    assertTrue(result.path("machine").path("cores").asInt() > 0);
    List<String> seen = new ArrayList<>();
    for (JsonNode row : result.get("rows")) {
      String key = row.get("name").asText() + "/" + row.get("store").asText();
      seen.add(key);
      assertTrue(row.get("value").isNumber(), key + " has a value");
      assertTrue(row.get("value").asDouble() > 0, key + " value is positive: " + row);
      assertTrue(row.get("ratio").isNumber(), key + " has a ratio");
      assertTrue(row.get("ratio").asDouble() > 0, key + " ratio is positive: " + row);
      assertNotNull(row.get("status").asText());
      if (row.has("details") && row.get("details").has("errors")) {
        assertEquals(0, row.get("details").get("errors").asLong(), key + " had errors: " + row);
      }
    }
    for (String expected :
        List.of(
            "raw/-", "e2e/sqlite", "cpu/sqlite", "batch/sqlite", "slot100k/sqlite", "burst/sqlite", "latency/sqlite",
            "store/sqlite", "e2e/postgres", "cpu/postgres", "batch/postgres", "slot100k/postgres", "burst/postgres",
            "latency/postgres", "store/postgres", "startup/sqlite", "generator/-")) {
      assertTrue(seen.contains(expected), "row " + expected + " missing from " + seen);
    }
    for (JsonNode row : result.get("rows")) {
      if (row.get("name").asText().equals("burst")) {
        assertTrue(row.get("details").get("p99Ms").asDouble() > 0, row.toString());
      }
      if (row.get("name").asText().equals("startup")) {
        // 500 keys: the child JVM registers them all and the node answers /healthcheck 200
        JsonNode d = row.get("details");
        assertEquals(500, d.get("loaded").asInt(), row.toString());
        assertEquals(0, d.get("exitCode").asInt(), row.toString());
        assertEquals(200, d.get("healthAfterKeys").asInt(), row.toString());
        assertTrue(d.get("heapUsedAfterGcMb").asDouble() > 0, row.toString());
      }
      if (row.get("name").asText().equals("latency")) {
        JsonNode gc = row.get("details").get("gc");
        assertTrue(gc.has("collections") && gc.has("collectionMs") && gc.has("collectionCauses"), row.toString());
        assertTrue(row.get("details").get("nodeCpuByThreadRole").has("eventloop"), row.toString());
        assertTrue(row.get("details").get("nodeCpuMsPerSignature").asDouble() > 0, row.toString());
        // the same open loop at half the rate: how the tail depends on the load
        JsonNode quarter = row.get("details").get("atQuarterLoad");
        assertEquals(row.get("details").get("rate").asDouble() / 2, quarter.get("rate").asDouble(), 1.0, row.toString());
        assertTrue(quarter.get("p99Ms").asDouble() > 0 && quarter.get("nodeCpuMsPerSignature").asDouble() > 0, row.toString());
        assertEquals(0, quarter.get("errors").asInt(), row.toString());
      }
      if (row.get("name").asText().equals("cpu") && row.get("store").asText().equals("postgres")) {
        assertTrue(row.get("details").get("dbCpuMsPerSignature").asDouble() > 0, "PostgreSQL's CPU apart: " + row);
      }
      if (row.get("name").asText().equals("e2e")) {
        assertTrue(row.get("details").get("generatorCpuShare").asDouble() >= 0, row.toString());
        // the node's threads allocate while signing (JSON, roots, audit rows); the bench's own are left out
        assertTrue(row.get("details").get("nodeAllocatedKibPerSignature").asDouble() > 0, row.toString());
        // 400 validators spread over 2,048 committees: every attestation its own message, each hashed once
        JsonNode hash = row.get("details").get("hashToCurve");
        assertEquals("committees", hash.get("messages").asText(), row.toString());
        assertTrue(hash.get("hashed").asLong() > 0, row.toString());
        // issue 14's targets: 0.85 on SQLite, 0.75 on PostgreSQL (its processes share the cores)
        assertEquals(row.get("store").asText().equals("postgres") ? "≥ 0.75" : "≥ 0.85", row.get("target").asText());
      }
    }
  }
}
