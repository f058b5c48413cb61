package dev.palisade.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.server.signing.SigningException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses. Bodies are JSON {@code {"code", "message"}}
 * plus {@code field} or {@code rule} when known; never a stack trace.
 */
public final class ErrorResponses {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private ErrorResponses() {}

  public static void send(RoutingContext ctx, Throwable failure) {
    if (failure instanceof SigningException.BadRequest bad) {
      write(ctx, 400, bad.getMessage(), "field", bad.field());
    } else if (failure instanceof SigningException.Unauthenticated unauthenticated) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer, Basic realm=\"palisade\"");
      write(ctx, 401, unauthenticated.getMessage());
    } else if (failure instanceof SigningException.Forbidden forbidden) {
      write(ctx, 403, forbidden.getMessage());
    } else if (failure instanceof SigningException.NotFound notFound) {
      write(ctx, 404, notFound.getMessage());
    } else if (failure instanceof SigningException.Conflict conflict) {
      write(ctx, 409, conflict.getMessage());
    } else if (failure instanceof SigningException.UnknownKey unknown) {
      write(ctx, 404, unknown.getMessage());
    } else if (failure instanceof SigningException.ApprovalRequired pending) {
      write(ctx, 412, pending.getMessage(), "rule", "approval_required", "approval_id", pending.approvalId());
    } else if (failure instanceof SigningException.Refused refused) {
      write(ctx, 412, refused.getMessage(), "rule", refused.rule());
    } else if (failure instanceof SigningException.Unavailable unavailable) {
      write(ctx, 503, unavailable.getMessage());
    } else if (failure instanceof java.util.concurrent.RejectedExecutionException) {
      write(ctx, 503, "signer is overloaded; try again");
    } else {
      // A bug, not a client error: log it for the operator, tell the client nothing internal.
      LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      write(ctx, 500, "internal error");
    }
  }

  /** Router failure handler: failures raised by Vert.x itself (413 from the body limit, etc.). */
  public static void handleRouterFailure(RoutingContext ctx) {
    if (ctx.failure() != null) {
      send(ctx, ctx.failure());
      return;
    }
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    String message =
        switch (status) {
          case 413 -> "request body is larger than the limit";
          case 404 -> "no such resource";
          case 405 -> "method not allowed";
          case 400 -> "bad request";
          default -> "request failed";
        };
    write(ctx, status, message);
  }

  /** {@code extras}: name, value pairs added to the body when the value is not null. */
  private static void write(RoutingContext ctx, int status, String message, String... extras) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("code", status);
    body.put("message", message);
    for (int i = 0; i + 1 < extras.length; i += 2) {
      if (extras[i] != null && extras[i + 1] != null) {
        body.put(extras[i], extras[i + 1]);
      }
    }
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.toString());
  }
}
