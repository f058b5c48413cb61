package dev.palisade.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.crypto.BlsSignature;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.server.http.ErrorResponses;
import dev.palisade.server.signing.SigningService;
import dev.palisade.server.metrics.PalisadeMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The Web3Signer-compatible eth2 HTTP API. Handlers on the event loop only route; decoding,
 * policies (which may wait on the slashing store) and BLS run on a bounded worker pool.
 */
public final class PalisadeServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long START_TIMEOUT_SECONDS = 30;

  private final Vertx vertx;
  private final ThreadPoolExecutor signingPool;
  private final HttpServer httpServer;
  private final HttpServer metricsServer;

  private PalisadeServer(
      Vertx vertx, ThreadPoolExecutor signingPool, HttpServer httpServer, HttpServer metricsServer) {
    this.vertx = vertx;
    this.signingPool = signingPool;
    this.httpServer = httpServer;
    this.metricsServer = metricsServer;
  }

  /**
   * Starts listening and returns once the port is bound.
   *
   * @param publicKeys the keys {@code /api/v1/eth2/publicKeys} lists, read on every request
   * @param healthChecks all must be up for {@code /healthcheck} to answer 200
   */
  public static PalisadeServer start(
      ServerConfig config,
      SigningService signing,
      Supplier<Collection<BlsPublicKey>> publicKeys,
      List<HealthCheck> healthChecks,
      PalisadeMetrics metrics) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(2));
    ThreadPoolExecutor pool = signingPool(config);
    AtomicLong rejections = new AtomicLong();
    metrics.bindSigningPool(pool, rejections::get);
    Router router = Router.router(vertx);
    Routes routes = new Routes(signing, publicKeys, healthChecks, pool, rejections);
    router
        .post("/api/v1/eth2/sign/:identifier")
        .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
        .handler(routes::sign);
    router.get("/api/v1/eth2/publicKeys").handler(routes::publicKeys);
    router.get("/upcheck").handler(Routes::upcheck);
    router.get("/healthcheck").handler(routes::healthcheck);
    router.route().failureHandler(ErrorResponses::handleRouterFailure);
    try {
      HttpServer server = listen(vertx, router, config.host(), config.port());
      HttpServer metricsServer = null;
      if (config.metricsEnabled()) {
        Router metricsRouter = Router.router(vertx);
        metricsRouter
            .get("/metrics")
            .handler(
                ctx ->
                    ctx.response()
                        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(metrics.scrape()));
        metricsRouter.route().failureHandler(ErrorResponses::handleRouterFailure);
        metricsServer = listen(vertx, metricsRouter, config.metricsHost(), config.metricsPort());
      }
      return new PalisadeServer(vertx, pool, server, metricsServer);
    } catch (RuntimeException e) {
      pool.shutdownNow();
      vertx.close();
      throw e;
    }
  }

  private static ThreadPoolExecutor signingPool(ServerConfig config) {
    AtomicInteger threadNumber = new AtomicInteger();
    return new ThreadPoolExecutor(
        config.signingThreads(),
        config.signingThreads(),
        60,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(config.signingQueueLimit()),
        runnable -> {
          Thread thread = new Thread(runnable, "palisade-signing-" + threadNumber.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        },
        new ThreadPoolExecutor.AbortPolicy());
  }

  private static HttpServer listen(Vertx vertx, Router router, String host, int port) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(host)
            .setPort(port)
            .setIdleTimeout(30)
            .setIdleTimeoutUnit(TimeUnit.SECONDS);
    try {
      return vertx
          .createHttpServer(options)
          .requestHandler(router)
          .listen()
          .toCompletionStage()
          .toCompletableFuture()
          .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(
          "cannot listen on " + host + ":" + port + ": " + cause.getMessage(), cause);
    }
  }

  /** The bound port (useful when started on port 0). */
  public int port() {
    return httpServer.actualPort();
  }

  /** The bound metrics port, or -1 when metrics are off. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.actualPort();
  }

  @Override
  public void close() {
    try {
      httpServer.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      signingPool.shutdownNow();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      Thread.currentThread().interrupt();
    }
  }

  private record Routes(
      SigningService signing,
      Supplier<Collection<BlsPublicKey>> publicKeys,
      List<HealthCheck> healthChecks,
      ThreadPoolExecutor pool,
      AtomicLong rejections) {

    void sign(RoutingContext ctx) {
      String identifier = ctx.pathParam("identifier");
      byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
      boolean json = wantsJson(ctx.request().getHeader("Accept"));
      Context eventLoop = ctx.vertx().getOrCreateContext();
      try {
        pool.execute(
            () -> {
              try {
                BlsSignature signature = signing.sign(identifier, body);
                eventLoop.runOnContext(v -> respondWithSignature(ctx, signature, json));
              } catch (RuntimeException | Error failure) {
                eventLoop.runOnContext(v -> ErrorResponses.send(ctx, failure));
              }
            });
      } catch (RejectedExecutionException e) {
        rejections.incrementAndGet();
        ErrorResponses.send(ctx, e);
      }
    }

    /** Web3Signer answers JSON only when asked for it (or for anything); otherwise bare hex. */
    static boolean wantsJson(String accept) {
      if (accept == null) {
        return false;
      }
      for (String part : accept.split(",")) {
        String mediaType = part.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (mediaType.equals("application/json") || mediaType.equals("*/*")) {
          return true;
        }
      }
      return false;
    }

    static void respondWithSignature(RoutingContext ctx, BlsSignature signature, boolean json) {
      if (json) {
        ctx.response()
            .putHeader("Content-Type", "application/json; charset=utf-8")
            .end("{\"signature\":\"" + signature.toHex() + "\"}");
      } else {
        ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(signature.toHex());
      }
    }

    void publicKeys(RoutingContext ctx) {
      ArrayNode array = JSON.createArrayNode();
      publicKeys.get().stream().sorted().map(BlsPublicKey::toHex).forEach(array::add);
      ctx.response()
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .end(array.toString());
    }

    static void upcheck(RoutingContext ctx) {
      ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end("OK");
    }

    void healthcheck(RoutingContext ctx) {
      ctx.vertx()
          .executeBlocking(this::healthReport, false)
          .onSuccess(
              report ->
                  ctx.response()
                      .setStatusCode(report.get("status").asText().equals("UP") ? 200 : 503)
                      .putHeader("Content-Type", "application/json; charset=utf-8")
                      .end(report.toString()))
          .onFailure(failure -> ErrorResponses.send(ctx, failure));
    }

    private ObjectNode healthReport() {
      ObjectNode report = JSON.createObjectNode();
      ArrayNode checks = JSON.createArrayNode();
      boolean allUp = true;
      List<HealthCheck.Result> results = new ArrayList<>();
      for (HealthCheck check : healthChecks) {
        results.add(check.check());
      }
      for (HealthCheck.Result result : results) {
        allUp &= result.up();
        ObjectNode node = checks.addObject();
        node.put("id", result.id());
        node.put("status", result.up() ? "UP" : "DOWN");
        if (!result.data().isEmpty()) {
          ObjectNode data = node.putObject("data");
          for (Map.Entry<String, Object> entry : result.data().entrySet()) {
            data.putPOJO(entry.getKey(), entry.getValue());
          }
        }
      }
      String status = allUp ? "UP" : "DOWN";
      report.put("status", status);
      report.set("checks", checks);
      report.put("outcome", status);
      return report;
    }
  }
}
