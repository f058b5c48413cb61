package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import dev.palisade.server.audit.AuditWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dead worker or an OutOfMemoryError anywhere turns health DOWN and exits the process non-zero. */
class WorkerWatchdogTest {
  @TempDir Path temp;

  @Test
  void anAuditWriterKilledByAnErrorTurnsHealthDownAndExits() throws Exception {
    List<Integer> exits = new CopyOnWriteArrayList<>();
    try (WorkerWatchdog watchdog = WorkerWatchdog.start(exits::add)) {
      AuditWriter writer = new AuditWriter(entries -> {
        throw new OutOfMemoryError("simulated: Java heap space");
      }, 10, Clock.systemUTC());
      watchdog.watch("audit writer", writer::isAlive);
      assertTrue(watchdog.check().up());
      assertOnlyOneWatchdog();
      writer.submit(new AuditEntry(Instant.now(), "x", "y", null, "RANDAO_REVEAL", null, null, AuditDecision.SIGNED, "signed"));
      waitFor(() -> !exits.isEmpty());
      assertEquals(List.of(WorkerWatchdog.EXIT_CODE), exits, "exits once, non-zero");
      assertFalse(watchdog.check().up());
      assertTrue(watchdog.check().data().get("failed").toString().contains("palisade-audit-writer"), watchdog.check().toString());
      assertFalse(writer.isAlive());
    }
  }

  @Test
  void aWorkerThatEndsWithoutThrowingIsFoundByThePoll() throws Exception {
    List<Integer> exits = new CopyOnWriteArrayList<>();
    try (WorkerWatchdog watchdog = WorkerWatchdog.start(exits::add)) {
      Thread worker = new Thread(() -> {}, "some-worker");
      worker.start();
      worker.join();
      watchdog.watch("some worker", worker::isAlive);
      waitFor(() -> !exits.isEmpty());
      assertFalse(watchdog.check().up());
    }
  }

  @Test
  void anOutOfMemoryErrorInAnyThreadTurnsTheNodesHealthcheckDown() throws Exception {
    List<Integer> exits = new CopyOnWriteArrayList<>();
    try (PalisadeNode node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp.resolve("data")), exits::add)) {
      node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      HttpTestClient client = new HttpTestClient(node.port());
      assertEquals(200, client.get("/healthcheck").statusCode());
      assertOnlyOneWatchdog();
      Thread victim = new Thread(() -> {
        throw new OutOfMemoryError("simulated: Java heap space");
      }, "any-thread");
      victim.start();
      victim.join();
      assertEquals(List.of(WorkerWatchdog.EXIT_CODE), exits);
      HttpResponse<String> health = client.get("/healthcheck");
      assertEquals(503, health.statusCode(), health.body());
      JsonNode workers = MainnetSigningVectorsHttpTest.readJson(health.body()).get("checks").get(0); // listed first
      assertEquals("workers", workers.get("id").asText());
      assertEquals("DOWN", workers.get("status").asText());
    }
  }

  @Test
  void anOutOfMemoryErrorThatCodeCaughtIsStillFatal() {
    List<Integer> exits = new CopyOnWriteArrayList<>();
    try (WorkerWatchdog watchdog = WorkerWatchdog.start(exits::add)) {
      assertOnlyOneWatchdog();
      WorkerWatchdog.ifFatal(new IllegalStateException("a bug, not a dying JVM"));
      assertTrue(exits.isEmpty());
      WorkerWatchdog.ifFatal(new OutOfMemoryError("simulated: caught by the signing pool's catch"));
      assertEquals(List.of(WorkerWatchdog.EXIT_CODE), exits);
      assertFalse(watchdog.check().up());
    }
  }

  @Test
  void anOrdinaryExceptionInAnUnrelatedThreadIsNoFailure() throws Exception {
    List<Integer> exits = new CopyOnWriteArrayList<>();
    try (WorkerWatchdog watchdog = WorkerWatchdog.start(exits::add)) {
      Thread other = new Thread(() -> {
        throw new IllegalStateException("expected by the test");
      }, "unrelated");
      other.start();
      other.join();
      Thread.sleep(1_500); // past a poll
      assertTrue(exits.isEmpty());
      assertTrue(watchdog.check().up());
    }
  }

  /** A fatal error reaches every live watchdog: one leaked by another test would exit this JVM. */
  private static void assertOnlyOneWatchdog() {
    assertEquals(1, WorkerWatchdog.activeCount(), "another node is still open in this JVM");
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(condition.getAsBoolean(), "condition not met within 10 s");
  }
}
