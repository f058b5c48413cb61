package dev.palisade.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.Identity;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** The routes of {@link PolicyAdminApi}: policies under {@code /admin/v1/policies}, approvals under {@code /admin/v1/approvals}. */
public final class PolicyRoutes {
  /** How the server runs an authenticated admin call: off the event loop, answering {@code status} with the JSON. */
  @FunctionalInterface
  public interface AdminCall {
    void run(RoutingContext ctx, int status, Function<Identity, JsonNode> work);
  }

  private PolicyRoutes() {}

  /** {@code document} reads a policy body (JSON or YAML); {@code body} reads JSON. */
  public static void register(Router router, PolicyAdminApi api, Handler<RoutingContext> body,
      Handler<RoutingContext> document, AdminCall call) {
    String policy = "/admin/v1/policies/:scope/:id";
    router.put(policy).handler(document).handler(ctx -> call.run(ctx, 200,
        caller -> api.setPolicy(caller, ctx.pathParam("scope"), ctx.pathParam("id"), bytes(ctx))));
    router.get(policy).handler(ctx -> call.run(ctx, 200,
        caller -> api.getPolicy(caller, ctx.pathParam("scope"), ctx.pathParam("id"))));
    router.get(policy + "/history").handler(ctx -> call.run(ctx, 200,
        caller -> api.history(caller, ctx.pathParam("scope"), ctx.pathParam("id"))));
    router.get("/admin/v1/approvals").handler(ctx -> call.run(ctx, 200,
        caller -> api.listApprovals(caller, !"true".equals(ctx.request().getParam("all")))));
    router.post("/admin/v1/approvals").handler(body).handler(ctx -> call.run(ctx, 201,
        caller -> api.grantAhead(caller, bytes(ctx))));
    router.get("/admin/v1/approvals/:id").handler(ctx -> call.run(ctx, 200,
        caller -> api.showApproval(caller, ctx.pathParam("id"))));
    router.post("/admin/v1/approvals/:id/approve").handler(ctx -> call.run(ctx, 200,
        caller -> api.vote(caller, ctx.pathParam("id"), true)));
    router.post("/admin/v1/approvals/:id/deny").handler(ctx -> call.run(ctx, 200,
        caller -> api.vote(caller, ctx.pathParam("id"), false)));
  }

  private static byte[] bytes(RoutingContext ctx) {
    return ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
  }
}
