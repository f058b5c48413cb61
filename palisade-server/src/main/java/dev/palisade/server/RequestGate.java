package dev.palisade.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.Identity;
import dev.palisade.auth.PresentedCredentials;
import dev.palisade.server.access.AccessControl;
import dev.palisade.server.http.ErrorResponses;
import dev.palisade.server.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a request must pass before any of its body is read: authentication from the headers, the TLS
 * session and the source address; then a JSON content type; then room in a bounded budget for
 * bodies being buffered. A request refused here is answered at once and its connection closed, so
 * its body is never buffered (slow unauthenticated 4 MB bodies once exhausted the heap).
 */
public final class RequestGate {
  private static final Logger LOG = LoggerFactory.getLogger(RequestGate.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CALLER = "palisade.caller";

  private final AccessControl access;
  private final BiConsumer<String, String> unauthenticated;
  private final AtomicLong bodyBudget;

  /**
   * @param unauthenticated told (source address, audit reason) of each refused caller
   * @param bodyBudgetBytes bytes of request bodies that may be buffered at once, all requests together
   */
  RequestGate(AccessControl access, BiConsumer<String, String> unauthenticated, long bodyBudgetBytes) {
    this.access = access;
    this.unauthenticated = unauthenticated;
    this.bodyBudget = new AtomicLong(bodyBudgetBytes);
  }

  /** A quarter of the heap: room for everything else even when every in-flight body is at its limit. */
  static long defaultBodyBudget(long maxBodyBytes) {
    return Math.max(maxBodyBytes, Runtime.getRuntime().maxMemory() / 4);
  }

  /** The identity {@link #authenticate} established for this request. */
  static Identity caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }

  /**
   * Runs on the event loop: authentication only reads the in-memory identity snapshot (it must stay
   * non-blocking). The request stays paused, so no body byte is read before the caller is known.
   */
  void authenticate(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause();
    String source = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    try {
      ctx.put(CALLER, access.authenticate(credentials(ctx, source)));
    } catch (ApiException.Unauthenticated e) {
      unauthenticated.accept(source, e.auditReason());
      refuseAndClose(ctx, e);
      return;
    } catch (ApiException.Unavailable e) {
      refuseAndClose(ctx, e);
      return;
    }
    ctx.next();
  }

  /** Content type, then the shared body budget, then the body itself (at most {@code limit} bytes). */
  Handler<RoutingContext> jsonBody(int limit) {
    return body(limit, RequestGate::isJson, "application/json");
  }

  /** As {@link #jsonBody}, for documents that may also be YAML (policies). */
  Handler<RoutingContext> documentBody(int limit) {
    return body(limit, type -> isJson(type) || isYaml(type), "application/json or application/yaml");
  }

  private Handler<RoutingContext> body(int limit, java.util.function.Predicate<String> accepted, String expected) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(limit);
    return ctx -> {
      String contentType = ctx.request().getHeader("Content-Type");
      if (!accepted.test(contentType)) {
        // Form and multipart bodies would otherwise be parsed by Vert.x as forms before we see them.
        refuseAndClose(ctx, 415, "unsupported Content-Type; send the body as " + expected);
        return;
      }
      long reserved = Math.min(declaredLength(ctx.request()), limit);
      if (bodyBudget.addAndGet(-reserved) < 0) {
        bodyBudget.addAndGet(reserved);
        refuseAndClose(ctx, 503, "too many request bodies in flight; try again");
        return;
      }
      AtomicBoolean released = new AtomicBoolean();
      ctx.addEndHandler(done -> {
        if (released.compareAndSet(false, true)) {
          bodyBudget.addAndGet(reserved);
        }
      });
      body.handle(ctx);
    };
  }

  /** Absent (read as JSON, as validator clients expect) or application/json, with any parameters. */
  static boolean isJson(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return true;
    }
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return mediaType.equals("application/json") || mediaType.endsWith("+json");
  }

  static boolean isYaml(String contentType) {
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return mediaType.equals("application/yaml") || mediaType.equals("application/x-yaml") || mediaType.equals("text/yaml");
  }

  /** Content-Length when given (413 beyond the limit comes from the body handler), else the limit. */
  private static long declaredLength(HttpServerRequest request) {
    String header = request.getHeader("Content-Length");
    if (header != null) {
      try {
        return Math.max(0, Long.parseLong(header.trim()));
      } catch (NumberFormatException e) {
        return Long.MAX_VALUE;
      }
    }
    return Long.MAX_VALUE;
  }

  /** The caller's address (an IP literal, so no name lookup), for source-address policies. */
  public static java.util.Optional<java.net.InetAddress> source(RoutingContext ctx) {
    var remote = ctx.request().remoteAddress();
    if (remote == null || remote.hostAddress() == null) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(java.net.InetAddress.getByName(remote.hostAddress()));
    } catch (java.net.UnknownHostException e) {
      return java.util.Optional.empty();
    }
  }

  /** The router's failure handler: a client that went away mid-request is routine, not an error. */
  static void routerFailure(RoutingContext ctx) {
    if (ctx.failure() instanceof HttpClosedException || ctx.response().closed()) {
      LOG.debug("client closed the connection during {} {}", ctx.request().method(), ctx.request().path());
      return;
    }
    ErrorResponses.handleRouterFailure(ctx);
  }

  private static void refuseAndClose(RoutingContext ctx, Throwable failure) {
    closeAfterResponse(ctx);
    ErrorResponses.send(ctx, failure);
  }

  private static void refuseAndClose(RoutingContext ctx, int status, String message) {
    closeAfterResponse(ctx);
    ObjectNode body = JSON.createObjectNode().put("code", status).put("message", message);
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.toString());
  }

  /** The unread body is discarded with the connection rather than drained. */
  private static void closeAfterResponse(RoutingContext ctx) {
    ctx.response().putHeader("Connection", "close");
    ctx.addEndHandler(done -> ctx.request().connection().close());
  }

  private static PresentedCredentials credentials(RoutingContext ctx, String source) {
    X509Certificate[] chain = null;
    if (ctx.request().isSSL()) {
      try {
        List<Certificate> certificates = ctx.request().connection().peerCertificates();
        chain =
            certificates.stream()
                .filter(X509Certificate.class::isInstance)
                .map(X509Certificate.class::cast)
                .toArray(X509Certificate[]::new);
      } catch (SSLPeerUnverifiedException e) {
        chain = null; // no client certificate: other credentials may still identify the caller
      }
    }
    return PresentedCredentials.of(chain, ctx.request().getHeader("Authorization"), source);
  }
}
