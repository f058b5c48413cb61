package dev.palisade.bench;

import dev.palisade.auth.Credential;
import dev.palisade.auth.NewIdentity;
import dev.palisade.auth.OperatorId;
import dev.palisade.crypto.Secp256k1SecretKey;
import dev.palisade.evm.Address;
import dev.palisade.evm.TransactionJson;
import dev.palisade.server.NodeConfig;
import dev.palisade.server.PalisadeNode;
import dev.palisade.server.ServerConfig;
import dev.palisade.server.keys.Actor;
import dev.palisade.server.keys.SealedKeysConfig;
import dev.palisade.vault.kek.Passphrase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The EVM row, in one run: EIP-1559 transactions signed per second end to end (HTTP typed REST against
 * an in-process node on loopback: auth, visibility, parse, vault, signed RLP and hash) against raw
 * secp256k1 signing (BouncyCastle RFC 6979, the floor) on the same number of threads, in interleaved
 * 2-second slices so that load from other processes falls on both sides alike.
 * Usage: {@code java -cp palisade-bench.jar dev.palisade.bench.EvmBench [seconds] [concurrency]}.
 */
public final class EvmBench {
  private EvmBench() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    Path work = Files.createTempDirectory("palisade-evm-bench");
    NodeConfig config = new NodeConfig(new ServerConfig("127.0.0.1", 0, 1 << 20, ServerConfig.defaultSigningThreads()),
        dev.palisade.eth2.Networks.named("mainnet"), work, NodeConfig.SlashingConfig.embedded(), Optional.empty(),
        new NodeConfig.AccessConfig(Optional.empty(), false))
        .withSealedKeys(new SealedKeysConfig(work.resolve("kek.sealed"), Optional.of(() -> Passphrase.of("bench")),
            Optional.empty()));
    Secp256k1SecretKey key = Secp256k1SecretKey.generate(new SecureRandom());
    Work raw = i -> {
      byte[] digest = new byte[32];
      digest[0] = (byte) i;
      digest[1] = (byte) (i >> 8);
      key.sign(digest);
    };
    double[] e2eTotal = new double[2];
    double[] rawTotal = new double[2];
    try (PalisadeNode node = PalisadeNode.start(config)) {
      node.addKeys(List.of());
      OperatorId operator = OperatorId.of("default");
      List<String> bodies = new ArrayList<>();
      List<String> paths = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Address address = node.keys().evm().generate(new Actor("bench", operator));
        paths.add("/api/v1/evm/" + address + "/sign/transaction");
        bodies.add(transaction(address, i));
      }
      TransactionJson.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(bodies.get(0)), "tx");
      String token = node.access().store().createIdentity(NewIdentity.of("bench", "default",
          new Credential.BearerToken(), "sign:evm:tx")).secret().orElseThrow().reveal();
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String base = "http://127.0.0.1:" + node.port();
      Work http = i -> {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(base + paths.get(i % 4)))
            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i % 4))).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
          throw new IllegalStateException("answered " + answer.statusCode() + ": " + answer.body());
        }
      };
      rate(http, concurrency, 1, new double[2]); // warm-up both paths
      rate(raw, concurrency, 1, new double[2]);
      // Interleaved slices, so that load from other processes on a shared machine hits both sides alike.
      int slices = Math.max(1, (int) Math.round(seconds / 2));
      for (int i = 0; i < slices; i++) {
        rate(http, concurrency, seconds / slices, e2eTotal);
        rate(raw, concurrency, seconds / slices, rawTotal);
      }
    }
    key.close();
    double e2e = e2eTotal[0] / e2eTotal[1];
    double rawRate = rawTotal[0] / rawTotal[1];
    System.out.printf(Locale.ROOT, "| evm-e2e | %.0f tx/s (typed REST, %d clients) | raw secp256k1 %.0f sig/s (%d threads)"
        + " | ratio %.3f | cores %d |%n", e2e, concurrency, rawRate, concurrency, e2e / rawRate,
        Runtime.getRuntime().availableProcessors());
  }

  @FunctionalInterface
  private interface Work {
    void run(int i) throws Exception;
  }

  /** Runs {@code work} on {@code threads} threads for {@code seconds}; adds {count, seconds} to {@code total}. */
  private static void rate(Work work, int threads, double seconds, double[] total) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      Thread thread = new Thread(() -> {
        for (int i = offset; !stop.get(); i += threads) {
          try {
            work.run(i);
            done.incrementAndGet();
          } catch (Exception e) {
            if (errors.incrementAndGet() == 1) {
              System.err.println("bench error: " + e.getMessage());
            }
          }
        }
      });
      thread.start();
      running.add(thread);
    }
    long start = System.nanoTime();
    Thread.sleep((long) (seconds * 1000));
    stop.set(true);
    for (Thread thread : running) {
      thread.join();
    }
    if (errors.get() > 0) {
      throw new IllegalStateException(errors.get() + " errors");
    }
    total[0] += done.get();
    total[1] += (System.nanoTime() - start) / 1e9;
  }

  private static String transaction(Address from, int nonce) {
    return ("{\"type\":\"0x2\",\"from\":\"%s\",\"chainId\":\"0x1\",\"nonce\":\"0x%x\",\"gas\":\"0x5208\","
        + "\"maxFeePerGas\":\"0x4a817c800\",\"maxPriorityFeePerGas\":\"0x3b9aca00\","
        + "\"to\":\"0x3535353535353535353535353535353535353535\",\"value\":\"0xde0b6b3a7640000\"}")
        .formatted(from, nonce);
  }
}
