package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.Credential;
import dev.palisade.auth.Identity;
import dev.palisade.auth.IdentityId;
import dev.palisade.auth.OperatorId;
import dev.palisade.auth.Scopes;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import dev.palisade.server.logging.RefusalLog;
import dev.palisade.server.signing.SigningEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What operators and clients hit in real runs: readiness of the key list, JSON 404s, refusals in the log, health counts. */
class OperabilityHttpTest {
  @TempDir Path temp;

  @Test
  void theKeyListIs503UntilEveryKeyIsLoadedNeverEmptyOrPartial() {
    try (PalisadeNode node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp))) {
      HttpTestClient client = new HttpTestClient(node.port());
      HttpResponse<String> loading = client.get("/api/v1/eth2/publicKeys");
      assertEquals(503, loading.statusCode(), loading.body());
      assertTrue(loading.body().contains("still loading"), loading.body());
      node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      assertEquals("[\"" + SigningApiTest.PUBKEY + "\"]", client.get("/api/v1/eth2/publicKeys").body());
    }
  }

  @Test
  void unknownRoutesAndMethodsAnswerJson() {
    try (PalisadeNode node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp))) {
      node.addKeys(List.of());
      HttpResponse<String> missing = new HttpTestClient(node.port()).get("/api/v1/eth2/nothing-here");
      assertEquals(404, missing.statusCode());
      assertTrue(missing.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), missing.headers().toString());
      JsonNode error = MainnetSigningVectorsHttpTest.readJson(missing.body());
      assertEquals(404, error.get("code").asInt(), missing.body());
    }
  }

  @Test
  void healthIsDownAndCountsWhenConfiguredKeysFailedUnlessTolerated() {
    try (PalisadeNode node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp.resolve("a")))) {
      node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))), 1, false);
      HttpResponse<String> health = new HttpTestClient(node.port()).get("/healthcheck");
      assertEquals(503, health.statusCode(), health.body());
      assertTrue(health.body().contains("\"keys-failed\":1") && health.body().contains("\"keys-loaded\":1"), health.body());
    }
    try (PalisadeNode node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp.resolve("b")))) {
      node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))), 1, true);
      HttpResponse<String> health = new HttpTestClient(node.port()).get("/healthcheck");
      assertEquals(200, health.statusCode(), health.body());
      assertTrue(health.body().contains("\"keys-failed\":1"), health.body());
    }
  }

  @Test
  void aRefusalIsAWarnLineNamingKeyTypeEpochsRuleAndCaller() {
    String log = capturingStderr(() -> {
      try (PalisadeNode node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp))) {
        node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
        HttpTestClient client = new HttpTestClient(node.port());
        assertEquals(200, client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(5, 6, "0x" + "01".repeat(32)), null).statusCode());
        assertEquals(412, client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(5, 6, "0x" + "02".repeat(32)), null).statusCode());
      }
    });
    String line = log.lines().filter(l -> l.contains("refused ATTESTATION")).findFirst().orElseThrow(() -> new AssertionError(log));
    assertTrue(line.contains("WARN") && line.contains(SigningApiTest.PUBKEY) && line.contains("source 5 target 6")
        && line.contains("caller loopback of operator default"), line);
  }

  @Test
  void refusalLinesAreRateLimitedAndCountWhatTheyDropped() {
    AtomicLong now = new AtomicLong();
    RefusalLog refusals = new RefusalLog(1, 2, now::get);
    Identity caller = new Identity(IdentityId.of("vc"), OperatorId.of("default"), new Credential.BearerToken(),
        Scopes.parse("validate"), Optional.empty(), Instant.now(), Optional.empty());
    SigningEvent refused = new SigningEvent(caller, Optional.of(BlsPublicKey.fromHex(SigningApiTest.PUBKEY)),
        Optional.empty(), Optional.of("double_vote"), "conflict", 0);
    String log = capturingStderr(() -> {
      for (int i = 0; i < 10; i++) {
        refusals.completed(refused);
      }
      assertEquals(8, refusals.suppressed(), "a burst of 2, then nothing until the bucket refills");
      now.addAndGet(1_000_000_000L);
      refusals.completed(refused);
    });
    assertEquals(3, log.lines().filter(l -> l.contains("double_vote")).count(), log);
    assertTrue(log.contains("8 earlier refusal(s) not logged"), log);
  }

  private static String capturingStderr(Runnable work) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      work.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
