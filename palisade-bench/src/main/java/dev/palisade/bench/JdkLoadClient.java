package dev.palisade.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link java.net.http.HttpClient} (HTTP/1.1, keep-alive pool) with {@code sendAsync} and a
 * semaphore bounding the requests in flight. Costs noticeably more generator CPU per request than
 * {@link SocketLoadClient}; kept to cross-check that the lean client measures the same server.
 */
final class JdkLoadClient implements LoadClient {
  private final String base;
  private final int maxInFlight;
  private final Semaphore permits;
  private final ExecutorService executor;
  private final HttpClient client;

  JdkLoadClient(String host, int port, int maxInFlight, int executorThreads) {
    this.base = "http://" + host + ":" + port;
    this.maxInFlight = maxInFlight;
    this.permits = new Semaphore(maxInFlight);
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            executorThreads,
            r -> {
              Thread t = new Thread(r, "bench-jdk-" + n.getAndIncrement());
              t.setDaemon(true);
              return t;
            });
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(executor)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @Override
  public void send(String path, byte[] body, Done done) {
    permits.acquireUninterruptibly();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    client
        .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .whenComplete(
            (response, failure) -> {
              permits.release();
              if (failure != null) {
                done.done(-1, failure.toString());
              } else {
                int status = response.statusCode();
                done.done(
                    status,
                    status == 200 ? null : new String(response.body(), StandardCharsets.UTF_8));
              }
            });
  }

  @Override
  public int maxInFlight() {
    return maxInFlight;
  }

  @Override
  public String description() {
    return "java.net.http.HttpClient HTTP/1.1 sendAsync, " + maxInFlight + " in flight";
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
