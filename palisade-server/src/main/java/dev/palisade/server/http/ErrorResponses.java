package dev.palisade.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

  /** The HTTP status of a failure: the one place where errors become statuses (API and console). */
  public static int statusOf(Throwable failure) {
    if (failure instanceof ApiException.BadRequest) {
      return 400;
    } else if (failure instanceof ApiException.Unauthenticated) {
      return 401;
    } else if (failure instanceof ApiException.Forbidden) {
      return 403;
    } else if (failure instanceof ApiException.NotFound || failure instanceof ApiException.UnknownKey) {
      return 404;
    } else if (failure instanceof ApiException.Conflict) {
      return 409;
    } else if (failure instanceof ApiException.Refused || failure instanceof ApiException.ApprovalRequired) {
      return 412;
    } else if (failure instanceof ApiException.TooManyRequests) {
      return 429;
    } else if (failure instanceof ApiException.Unavailable
        || failure instanceof java.util.concurrent.RejectedExecutionException) {
      return 503;
    }
    return 500;
  }

  /** The message a client may read: the exception's own for client errors, nothing internal otherwise. */
  public static String publicMessage(Throwable failure) {
    int status = statusOf(failure);
    if (status == 500) {
      return "internal error";
    }
    return failure instanceof java.util.concurrent.RejectedExecutionException
        ? ApiException.Unavailable.OVERLOADED : failure.getMessage();
  }

  public static void send(RoutingContext ctx, Throwable failure) {
    if (failure instanceof ApiException.Unauthenticated) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer, Basic realm=\"palisade\"");
    }
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      logIfInternal(ctx.request().method() + " " + ctx.request().path(), failure);
      return;
    }
    ObjectNode body = body(ctx.request().method() + " " + ctx.request().path(), failure);
    response
        .setStatusCode(body.get("code").asInt())
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.toString());
  }

  /**
   * The error body for {@code failure}: {@code code}, {@code message}, and {@code field}, {@code rule}
   * or {@code approval_id} when known. A 500 is logged for the operator, naming {@code where}.
   */
  public static ObjectNode body(String where, Throwable failure) {
    int status = statusOf(failure);
    logIfInternal(where, failure);
    if (failure instanceof ApiException.BadRequest bad) {
      return body(status, bad.getMessage(), "field", bad.field());
    } else if (failure instanceof ApiException.ApprovalRequired pending) {
      return body(status, pending.getMessage(), "rule", "approval_required", "approval_id", pending.approvalId());
    } else if (failure instanceof ApiException.Refused refused) {
      return body(status, refused.getMessage(), "rule", refused.rule());
    }
    return body(status, publicMessage(failure));
  }

  private static void logIfInternal(String where, Throwable failure) {
    if (statusOf(failure) == 500) {
      // A bug, not a client error: log it for the operator, tell the client nothing internal.
      LOG.error("unexpected failure on {}", where, failure);
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

  private static void write(RoutingContext ctx, int status, String message) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body(status, message).toString());
  }

  /** {@code extras}: name, value pairs added to the body when the value is not null. */
  private static ObjectNode body(int status, String message, String... extras) {
    ObjectNode body = JSON.createObjectNode();
    body.put("code", status);
    body.put("message", message);
    for (int i = 0; i + 1 < extras.length; i += 2) {
      if (extras[i] != null && extras[i + 1] != null) {
        body.put(extras[i], extras[i + 1]);
      }
    }
    return body;
  }
}
