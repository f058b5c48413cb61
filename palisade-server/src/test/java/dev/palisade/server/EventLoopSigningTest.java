package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.Identity;
import dev.palisade.auth.PresentedCredentials;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.BlsSignature;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.Networks;
import dev.palisade.server.http.ApiException;
import dev.palisade.server.signing.PolicyDecision;
import dev.palisade.server.signing.SigningContext;
import dev.palisade.server.signing.SigningEvent;
import dev.palisade.server.signing.SigningListener;
import dev.palisade.server.signing.SigningPolicy;
import dev.palisade.server.signing.SigningService;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing on the event loop: a signature waiting for its slashing record holds no thread, the request resumes on
 * the thread it asked for (answered or failed), and what must block runs on the blocking executor instead.
 */
class EventLoopSigningTest {
  private static final Network MAINNET = Networks.named("mainnet");
  private static final int KEYS = 8;

  @TempDir static Path temp;
  private static PalisadeNode node;
  private static Identity loopback;
  private static final List<String> KEY_IDS = new ArrayList<>();
  private static final ExecutorService RESUME = Executors.newSingleThreadExecutor(r -> new Thread(r, "resume"));
  private static final ExecutorService BLOCKING = Executors.newSingleThreadExecutor(r -> new Thread(r, "blocking"));
  private static final Executor NO_BLOCKING = task -> {
    throw new AssertionError("nothing here may block");
  };

  @BeforeAll
  static void startNode() throws Exception {
    // one pool thread and a queue of one: signatures that each held a pool thread while waiting would be refused
    ServerConfig server = new ServerConfig("127.0.0.1", 0, 64 * 1024, 1, 1, "127.0.0.1",
        ServerConfig.METRICS_DISABLED, Optional.empty(), false);
    node = PalisadeNode.start(new NodeConfig(server, MAINNET, temp.resolve("data"),
        NodeConfig.SlashingConfig.embedded(), Optional.empty()));
    List<BlsSecretKey> keys = new ArrayList<>();
    for (int i = 1; i <= KEYS; i++) {
      BlsSecretKey key = BlsSecretKey.fromBytes(Hex.decode("%064x".formatted(1000 + i)));
      keys.add(key);
      KEY_IDS.add(key.publicKey().toHex());
    }
    node.addKeys(keys);
    loopback = node.access().authenticate(PresentedCredentials.of(null, null, "127.0.0.1"));
  }

  @AfterAll
  static void stopNode() {
    node.close();
    RESUME.shutdownNow();
    BLOCKING.shutdownNow();
  }

  @Test
  void signaturesWaitingForTheStoreHoldNoPoolThread() throws Exception {
    HttpTestClient client = new HttpTestClient(node.port());
    assertEquals(200, client.sign(KEY_IDS.get(0), SigningApiTest.attestation(1, 2, root(1)), "application/json")
        .statusCode(), "warm-up");
    List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
    String file = "jdbc:sqlite:" + temp.resolve("data").resolve("slashing-protection.sqlite");
    try (Connection other = DriverManager.getConnection(file); Statement lock = other.createStatement()) {
      lock.execute("BEGIN EXCLUSIVE"); // another process holds the database: every check waits for it
      for (String key : KEY_IDS) {
        waiting.add(CompletableFuture.supplyAsync(
            () -> client.sign(key, SigningApiTest.attestation(3, 4, root(2)), "application/json")));
      }
      Thread.sleep(500);
      assertTrue(waiting.stream().noneMatch(CompletableFuture::isDone), "every signature waits for the store");
      lock.execute("COMMIT");
    }
    for (CompletableFuture<HttpResponse<String>> response : waiting) {
      HttpResponse<String> answered = response.get(10, TimeUnit.SECONDS);
      assertEquals(200, answered.statusCode(), answered.body());
    }
  }

  @Test
  void aPendingPolicyLetsTheCallerGoAndTheSignatureResumesOnTheResumeThread() throws Exception {
    CompletableFuture<PolicyDecision> pending = new CompletableFuture<>();
    List<String> listenedOn = Collections.synchronizedList(new ArrayList<>());
    SigningService service = service(waitingFor(pending), event -> listenedOn.add(Thread.currentThread().getName()));

    CompletableFuture<BlsSignature> signed = service.signAsync(loopback, Optional.empty(), KEY_IDS.get(1),
        body(10, 11), RESUME, NO_BLOCKING);
    assertFalse(signed.isDone(), "the caller's thread did not wait for the policy");
    completeOn("writer", () -> pending.complete(PolicyDecision.ALLOW));

    BlsSignature signature = signed.get(5, TimeUnit.SECONDS);
    assertEquals(node.vault().sign(publicKey(1), request(10, 11), MAINNET), signature);
    assertEquals(List.of("resume"), listenedOn);
  }

  @Test
  void aFailedPendingPolicyAlsoResumesOnTheResumeThread() throws Exception {
    CompletableFuture<PolicyDecision> pending = new CompletableFuture<>();
    List<String> listenedOn = Collections.synchronizedList(new ArrayList<>());
    SigningService service = service(waitingFor(pending), event -> listenedOn.add(
        Thread.currentThread().getName() + " " + event.refusal().orElse("signed")));

    CompletableFuture<BlsSignature> signed = service.signAsync(loopback, Optional.empty(), KEY_IDS.get(2),
        body(20, 21), RESUME, NO_BLOCKING);
    completeOn("writer", () -> pending.completeExceptionally(new ApiException.Unavailable("the store is away")));

    ExecutionException failed = assertThrows(ExecutionException.class, () -> signed.get(5, TimeUnit.SECONDS));
    assertInstanceOf(ApiException.Unavailable.class, failed.getCause());
    assertEquals(List.of("resume unavailable"), listenedOn, "not on the thread that failed the check");
  }

  @Test
  void aTypeWhoseAuditRowMustBeDurableIsDecidedOnTheBlockingExecutor() throws Exception {
    List<String> decidedOn = Collections.synchronizedList(new ArrayList<>());
    SigningPolicy recording = context -> {
      decidedOn.add(Thread.currentThread().getName());
      return PolicyDecision.ALLOW;
    };
    SigningListener durable = new SigningListener() {
      @Override
      public void completed(SigningEvent event) {}

      @Override
      public boolean waitsToRecord(String typeName) {
        return typeName.equals("ATTESTATION");
      }
    };
    BlsSignature signature = service(recording, durable)
        .signAsync(loopback, Optional.empty(), KEY_IDS.get(3), body(30, 31), NO_BLOCKING, BLOCKING)
        .get(5, TimeUnit.SECONDS);

    assertEquals(node.vault().sign(publicKey(3), request(30, 31), MAINNET), signature);
    assertEquals(List.of("blocking"), decidedOn);
  }

  private static SigningService service(SigningPolicy policy, SigningListener listener) {
    return new SigningService(MAINNET, node.vault(), node.access().authorizer(), List.of(policy), () -> true,
        listener);
  }

  /** A policy whose answer arrives later, as the slashing store's does. */
  private static SigningPolicy waitingFor(CompletableFuture<PolicyDecision> answer) {
    return new SigningPolicy() {
      @Override
      public PolicyDecision evaluate(SigningContext context) {
        throw new AssertionError("the asynchronous path asks evaluateAsync");
      }

      @Override
      public CompletableFuture<PolicyDecision> evaluateAsync(SigningContext context, Executor blocking) {
        return answer;
      }
    };
  }

  private static void completeOn(String threadName, Runnable completion) throws InterruptedException {
    Thread thread = new Thread(completion, threadName);
    thread.start();
    thread.join();
  }

  private static byte[] body(long source, long target) {
    return SigningApiTest.attestation(source, target, root(3)).getBytes(StandardCharsets.UTF_8);
  }

  private static dev.palisade.eth2.signing.SigningRequest request(long source, long target) throws Exception {
    return new dev.palisade.eth2.signing.SigningRequestDecoder().decode(body(source, target));
  }

  private static dev.palisade.eth2.BlsPublicKey publicKey(int index) {
    return dev.palisade.eth2.BlsPublicKey.fromHex(KEY_IDS.get(index));
  }

  private static String root(int n) {
    return "0x" + "%02x".formatted(n).repeat(32);
  }
}
