package dev.palisade.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.Identity;
import dev.palisade.crypto.BlsSignature;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.server.http.ErrorResponses;
import dev.palisade.server.http.ApiException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The eth2, admin and Keymanager handlers. They run after {@link RequestGate} authenticated the
 * caller. A signature is decided and computed on the event loop, which never waits: whatever waits (the slashing
 * store, policy counters, a vault process, durable audit rows) completes a future or runs on the bounded pool.
 * Admin and Keymanager work runs on the pool.
 */
record ApiRoutes(PalisadeServer.Services services, ThreadPoolExecutor pool, AtomicLong rejections) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);

  /**
   * Signs on the event loop (see {@link dev.palisade.server.signing.SigningService#signAsync}): the loop is let go
   * while the slashing store commits and takes the request up again to sign and answer, so a signature costs two
   * hand-offs (loop → store writer → loop) instead of four through a pool thread that waits.
   */
  void sign(RoutingContext ctx) {
    String identifier = ctx.pathParam("identifier");
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    boolean json = wantsJson(ctx.request().getHeader("Accept"));
    Identity caller = RequestGate.caller(ctx);
    java.util.Optional<java.net.InetAddress> source = RequestGate.source(ctx);
    Context eventLoop = ctx.vertx().getOrCreateContext();
    Executor resume = task -> {
      try {
        eventLoop.runOnContext(v -> task.run());
      } catch (RejectedExecutionException e) {
        // the node is closing: nothing is signed, and the store writer that completed the check must not die of it
        LOG.debug("event loop closed before a signing request could resume");
      }
    };
    services.signing().signAsync(caller, source, identifier, body, resume, this::onPool)
        .whenComplete((signature, failure) -> {
          Throwable cause = failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause() : failure;
          if (cause instanceof Error error) {
            WorkerWatchdog.ifFatal(error); // caught by the future, so no uncaught handler would see it
          }
          Runnable answer = cause == null
              ? () -> respondWithSignature(ctx, signature, json)
              : () -> ErrorResponses.send(ctx, cause);
          if (Vertx.currentContext() == eventLoop) {
            answerIfConnected(ctx, answer);
          } else { // finished on the pool (a vault in another process, an exit or a deposit)
            eventLoop.runOnContext(v -> answerIfConnected(ctx, answer));
          }
        });
  }

  private void onPool(Runnable task) {
    try {
      pool.execute(task);
    } catch (RejectedExecutionException e) {
      rejections.incrementAndGet();
      throw e;
    }
  }

  private static void answerIfConnected(RoutingContext ctx, Runnable answer) {
    if (ctx.response().closed()) { // the client left while we worked: routine, not an error
      LOG.debug("client gone before the answer to {} {}", ctx.request().method(), ctx.request().path());
      return;
    }
    answer.run();
  }

  void publicKeys(RoutingContext ctx) {
    Identity caller = RequestGate.caller(ctx);
    runOffLoop(
        ctx,
        () -> {
          if (!services.access().authorizer().canListKeys(caller)) {
            throw new ApiException.Forbidden("missing scope keys:read (or any signing scope)");
          }
          ArrayNode array = JSON.createArrayNode();
          services.access().authorizer().visibleKeys(caller, services.loadedKeys().get()).stream()
              .sorted()
              .map(BlsPublicKey::toHex)
              .forEach(array::add);
          return () ->
              ctx.response()
                  .putHeader("Content-Type", "application/json; charset=utf-8")
                  .end(array.toString());
        });
  }

  /** As {@link #admin}, answering text/plain (Web3Signer's eth1 sign answers bare hex). */
  void text(RoutingContext ctx, Function<Identity, String> work) {
    Identity caller = RequestGate.caller(ctx);
    runOffLoop(ctx, () -> {
      String answer = work.apply(caller);
      return () -> ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(answer);
    });
  }

  /** An admin or Keymanager API call: authenticated, then {@code work} checks the scope and answers JSON. */
  void admin(RoutingContext ctx, int status, Function<Identity, JsonNode> work) {
    Identity caller = RequestGate.caller(ctx);
    runOffLoop(
        ctx,
        () -> {
          JsonNode answer = work.apply(caller);
          return () ->
              ctx.response()
                  .setStatusCode(status)
                  .putHeader("Content-Type", "application/json; charset=utf-8")
                  .end(answer.toString());
        });
  }

  /** Runs {@code work} on the signing pool and its response back on the event loop. */
  private void runOffLoop(RoutingContext ctx, OffLoopWork work) {
    Context eventLoop = ctx.vertx().getOrCreateContext();
    try {
      pool.execute(
          () -> {
            try {
              Runnable respond = work.run();
              eventLoop.runOnContext(v -> answerIfConnected(ctx, respond));
            } catch (RuntimeException | Error failure) {
              WorkerWatchdog.ifFatal(failure); // caught here, so no uncaught handler would see it
              eventLoop.runOnContext(v -> ErrorResponses.send(ctx, failure));
            }
          });
    } catch (RejectedExecutionException e) {
      rejections.incrementAndGet();
      ErrorResponses.send(ctx, e);
    }
  }

  @FunctionalInterface
  private interface OffLoopWork {
    Runnable run();
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

  private static final byte[] JSON_START = "{\"signature\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int HEX_LENGTH = 2 + 2 * BlsSignature.SIZE;

  /** The body is written straight into one byte array: no String, no encoder on the hot path. */
  static void respondWithSignature(RoutingContext ctx, BlsSignature signature, boolean json) {
    byte[] body = new byte[json ? JSON_START.length + HEX_LENGTH + 2 : HEX_LENGTH];
    int at = 0;
    if (json) {
      System.arraycopy(JSON_START, 0, body, 0, JSON_START.length);
      at = JSON_START.length;
    }
    at = signature.writeHexAscii(body, at);
    if (json) {
      body[at++] = '"';
      body[at] = '}';
    }
    ctx.response()
        .putHeader("Content-Type", json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8")
        .end(io.vertx.core.buffer.Buffer.buffer(body));
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
    for (HealthCheck check : services.healthChecks()) {
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
