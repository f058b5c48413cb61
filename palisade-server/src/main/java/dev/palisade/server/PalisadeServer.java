package dev.palisade.server;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.server.access.AccessControl;
import dev.palisade.server.console.Console;
import dev.palisade.server.http.AdminApi;
import dev.palisade.server.http.ErrorResponses;
import dev.palisade.server.http.KeymanagerApi;
import dev.palisade.server.http.PolicyAdminApi;
import dev.palisade.server.http.PolicyRoutes;
import dev.palisade.server.metrics.PalisadeMetrics;
import dev.palisade.server.signing.SigningService;
import io.vertx.core.Handler;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Web3Signer-compatible eth2 HTTP API, served on one event loop per core. On the event loop, {@link
 * RequestGate} authenticates each request from its headers (in memory) before any body is read; a signature is then
 * decided and computed there too, letting the loop go while the slashing store commits; work that waits runs on a
 * bounded pool ({@link ApiRoutes}).
 */
public final class PalisadeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PalisadeServer.class);
  private static final long START_TIMEOUT_SECONDS = 30;

  private final Vertx vertx;
  private final ThreadPoolExecutor signingPool;
  private final List<HttpServer> httpServers;
  private final HttpServer metricsServer;
  private final List<String> routes;

  private PalisadeServer(
      Vertx vertx, ThreadPoolExecutor signingPool, List<HttpServer> httpServers, HttpServer metricsServer,
      List<String> routes) {
    this.routes = routes;
    this.vertx = vertx;
    this.signingPool = signingPool;
    this.httpServers = httpServers;
    this.metricsServer = metricsServer;
  }

  /** What the HTTP layer needs from the rest of the node. */
  public record Services(
      SigningService signing,
      AccessControl access,
      Supplier<Collection<BlsPublicKey>> loadedKeys,
      List<HealthCheck> healthChecks,
      PalisadeMetrics metrics,
      /** Told (source address, audit reason) of each request refused as unauthenticated. */
      BiConsumer<String, String> unauthenticatedListener,
      AdminApi admin,
      KeymanagerApi keymanager,
      PolicyAdminApi policyAdmin,
      dev.palisade.server.evm.EvmApi evm,
      /** The slashing store's per-key rows, for the console; null when slashing protection is off. */
      dev.palisade.slashing.Watermarks watermarks) {}

  /** The OpenAPI 3 document of every route (a resource kept beside the code, checked by a test). */
  private static byte[] openApiDocument() {
    try (var in = PalisadeServer.class.getResourceAsStream("/openapi.json")) {
      return in.readAllBytes();
    } catch (java.io.IOException | NullPointerException e) {
      throw new IllegalStateException("openapi.json is missing from the build", e);
    }
  }

  /** Every route of the API listener as "METHOD /path/{param}" (for the OpenAPI test). */
  public List<String> routes() {
    return routes;
  }

  /** Starts listening and returns once the ports are bound. */
  public static PalisadeServer start(ServerConfig config, Services services) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(2));
    // Vert.x catches what its handlers throw; with a handler set it no longer logs them itself.
    vertx.exceptionHandler(
        e -> {
          WorkerWatchdog.ifFatal(e);
          LOG.error("unhandled exception on the event loop", e);
        });
    ThreadPoolExecutor pool = signingPool(config);
    AtomicLong rejections = new AtomicLong();
    services.metrics().bindSigningPool(pool, rejections);
    Router router = Router.router(vertx);
    ApiRoutes routes = new ApiRoutes(services, pool, rejections);
    RequestGate gate =
        new RequestGate(services.access(), services.unauthenticatedListener(),
            RequestGate.defaultBodyBudget(config.maxBodyBytes()));
    // Every authenticated API is gated here, before any route reads a body.
    for (String prefix : List.of("/api/v1/eth2/*", "/api/v1/eth1/*", "/api/v1/evm/*", "/admin/*", "/eth/*", "/reload")) {
      router.route(prefix).handler(gate::authenticate);
    }
    // before /sign/:identifier, which would otherwise take "batch" for a key
    BatchSigning batch = new BatchSigning(services.signing(), pool, rejections);
    router.post("/api/v1/eth2/sign/batch").handler(gate.jsonBody(config.maxBodyBytes())).handler(batch::handle);
    router.post("/api/v1/eth2/sign/:identifier").handler(gate.jsonBody(config.maxBodyBytes())).handler(routes::sign);
    router.get("/api/v1/eth2/publicKeys").handler(routes::publicKeys);
    router.get("/upcheck").handler(ApiRoutes::upcheck);
    AdminApi admin = services.admin();
    Handler<RoutingContext> adminBody = gate.jsonBody(64 * 1024);
    router.get("/admin/v1/operators").handler(ctx -> routes.admin(ctx, 200, caller -> admin.listOperators(caller)));
    router.post("/admin/v1/operators").handler(adminBody)
        .handler(ctx -> routes.admin(ctx, 201, caller -> admin.createOperator(caller, body(ctx))));
    router.get("/admin/v1/identities").handler(ctx -> routes.admin(ctx, 200, caller -> admin.listIdentities(caller)));
    router.post("/admin/v1/identities").handler(adminBody)
        .handler(ctx -> routes.admin(ctx, 201, caller -> admin.createIdentity(caller, body(ctx))));
    router.delete("/admin/v1/identities/:name")
        .handler(ctx -> routes.admin(ctx, 200, caller -> admin.revokeIdentity(caller, ctx.pathParam("name"))));
    router.get("/admin/v1/audit").handler(ctx -> routes.admin(ctx, 200,
        caller -> admin.auditTail(caller, intParam(ctx, "rows", 20))));
    router.get("/admin/v1/audit/verify").handler(ctx -> routes.admin(ctx, 200, admin::auditVerify));
    PolicyRoutes.register(router, services.policyAdmin(), adminBody, gate.documentBody(64 * 1024), routes::admin);
    KeymanagerApi keymanager = services.keymanager();
    Handler<RoutingContext> keystoresBody = gate.jsonBody(config.maxBodyBytes());
    router.get("/eth/v1/keystores").handler(ctx -> routes.admin(ctx, 200, keymanager::list));
    router.post("/eth/v1/keystores").handler(keystoresBody)
        .handler(ctx -> routes.admin(ctx, 200, caller -> keymanager.importKeystores(caller, body(ctx))));
    router.delete("/eth/v1/keystores").handler(keystoresBody)
        .handler(ctx -> routes.admin(ctx, 200, caller -> keymanager.deleteKeystores(caller, body(ctx))));
    router.post("/").handler(gate::authenticate); // JSON-RPC (eth1)
    dev.palisade.server.evm.EvmRoutes.mount(
        router, services.evm(), gate.jsonBody(config.maxBodyBytes()), routes::admin, routes::text);
    router.get("/healthcheck").handler(routes::healthcheck);
    router.post("/reload").handler(ctx -> routes.admin(ctx, 200, admin::reload));
    byte[] openApi = openApiDocument();
    router.get("/openapi.json").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json; charset=utf-8").end(io.vertx.core.buffer.Buffer.buffer(openApi)));
    // the console has its own session auth (not RequestGate); it calls the same admin APIs
    Console.mount(router, services, config.tls().isPresent());
    router.route().failureHandler(RequestGate::routerFailure);
    // unknown routes and methods answer JSON like every other error, not Vert.x's HTML page
    router.errorHandler(404, ErrorResponses::handleRouterFailure);
    router.errorHandler(405, ErrorResponses::handleRouterFailure);
    try {
      List<HttpServer> servers = listenOnEventLoops(vertx, router, config, httpEventLoops());
      HttpServer metricsServer = null;
      if (config.metricsEnabled()) {
        Router metricsRouter = Router.router(vertx);
        metricsRouter
            .get("/metrics")
            .handler(
                ctx ->
                    ctx.response()
                        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(services.metrics().scrape()));
        metricsRouter.route().failureHandler(ErrorResponses::handleRouterFailure);
        metricsServer = listen(vertx, metricsRouter, config.metricsHost(), config.metricsPort());
      }
      List<String> described = router.getRoutes().stream()
          .filter(route -> route.getPath() != null && route.methods() != null)
          .flatMap(route -> route.methods().stream()
              .map(method -> method.name() + " " + route.getPath().replaceAll(":([A-Za-z]+)", "{$1}")))
          .distinct().sorted().toList();
      return new PalisadeServer(vertx, pool, servers, metricsServer, described);
    } catch (RuntimeException e) {
      pool.shutdownNow();
      vertx.close();
      throw e;
    }
  }

  private static byte[] body(RoutingContext ctx) {
    return ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
  }

  private static int intParam(RoutingContext ctx, String name, int fallback) {
    String value = ctx.request().getParam(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return fallback;
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

  /** {@code tlsFrom} null: plaintext. */
  private static HttpServerOptions options(String host, int port, ServerConfig tlsFrom) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(host)
            .setPort(port)
            .setIdleTimeout(30)
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            // Validator clients and Prometheus speak HTTP/1.1; an h2c upgrade offered by a client
            // (the JDK's HttpClient does) was seen to stall a response until the idle timeout.
            .setHttp2ClearTextEnabled(false);
    if (tlsFrom != null && tlsFrom.tls().isPresent()) {
      configureTls(options, tlsFrom.tls().get());
    }
    return options;
  }

  /**
   * One server per core, each on its own event loop, sharing the port (Vert.x hands the connections round): the
   * loops sign (see {@link ApiRoutes#sign}), so they are the node's CPU workers.
   */
  static int httpEventLoops() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  private static List<HttpServer> listenOnEventLoops(Vertx vertx, Router router, ServerConfig config, int loops) {
    int port = config.port() == 0 ? -1 : config.port(); // -1: one random port, shared by every instance
    List<HttpServer> servers = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    try {
      vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
              HttpServer server = vertx.createHttpServer(options(config.host(), port, config))
                  .requestHandler(router)
                  // resets and half-sent requests are the client's business: no ERROR with a stack trace
                  .exceptionHandler(e -> LOG.debug("connection error: {}", e.toString()));
              servers.add(server);
              return server.listen();
            }
          }, new DeploymentOptions().setInstances(loops))
          .toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return List.copyOf(servers);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(
          "cannot listen on " + config.host() + ":" + config.port() + ": " + cause.getMessage(), cause);
    }
  }

  /** Plaintext, on one event loop: the metrics port. */
  private static HttpServer listen(Vertx vertx, Router router, String host, int port) {
    HttpServerOptions options = options(host, port, null);
    try {
      return vertx
          .createHttpServer(options)
          .requestHandler(router)
          // resets and half-sent requests are the client's business: no ERROR with a stack trace
          .exceptionHandler(e -> LOG.debug("connection error: {}", e.toString()))
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

  private static void configureTls(HttpServerOptions options, TlsConfig tls) {
    options.setSsl(true);
    if (tls.pkcs12File().isPresent()) {
      options.setKeyCertOptions(
          new PfxOptions().setPath(tls.pkcs12File().get().toString()).setPassword(tls.pkcs12Password()));
    } else {
      options.setKeyCertOptions(
          new PemKeyCertOptions()
              .setCertPath(tls.pemCertificateFile().get().toString())
              .setKeyPath(tls.pemPrivateKeyFile().get().toString()));
    }
    options.setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
    // Ask for a client certificate but let the authenticator judge it: pinned self-signed
    // certificates must work, and clients without one fall back to weaker identities.
    options.setClientAuth(ClientAuth.REQUEST);
    options.setTrustOptions(TrustOptions.wrap(new AcceptAnyClientCertificate()));
  }

  /** The bound port (useful when started on port 0). */
  public int port() {
    return httpServers.get(0).actualPort();
  }

  /** The bound metrics port, or -1 when metrics are off. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.actualPort();
  }

  @Override
  public void close() {
    try {
      Future.all(httpServers.stream().map(HttpServer::close).toList())
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      signingPool.shutdownNow();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Trusts every client chain at the TLS layer; identities are decided by the authenticator. */
  private static final class AcceptAnyClientCertificate implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("server-side trust manager only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
