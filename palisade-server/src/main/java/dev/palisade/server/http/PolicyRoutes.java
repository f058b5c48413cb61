package dev.palisade.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.Identity;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.server.totp.ApproverTotp;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * The routes of {@link PolicyAdminApi}: policies under {@code /admin/v1/policies}, approvals under
 * {@code /admin/v1/approvals}, an approver's TOTP under {@code /admin/v1/identities/{name}/totp}.
 */
public final class PolicyRoutes {
  /** How the server runs an authenticated admin call: off the event loop, answering {@code status} with the JSON. */
  @FunctionalInterface
  public interface AdminCall {
    void run(RoutingContext ctx, int status, Function<Identity, JsonNode> work);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

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
    router.post("/admin/v1/approvals/:id/approve").handler(body).handler(ctx -> call.run(ctx, 200,
        caller -> api.vote(caller, ctx.pathParam("id"), true, totpCode(ctx))));
    router.post("/admin/v1/approvals/:id/deny").handler(body).handler(ctx -> call.run(ctx, 200,
        caller -> api.vote(caller, ctx.pathParam("id"), false, totpCode(ctx))));
    registerTotp(router, api.totp(), body, call);
  }

  /** An approver's TOTP: enroll (the secret is in this one answer), confirm with the first code, status, remove. */
  private static void registerTotp(Router router, ApproverTotp totp, Handler<RoutingContext> body, AdminCall call) {
    String path = "/admin/v1/identities/:name/totp";
    router.post(path).handler(body).handler(ctx -> call.run(ctx, 201, caller -> {
      ApproverTotp.Enrollment enrollment = totp.enroll(ApproverTotp.Actor.of(caller), ctx.pathParam("name"));
      ctx.response().putHeader("Cache-Control", "no-store");
      return JSON.createObjectNode().put("identity", enrollment.identity()).put("totp", "pending")
          .put("otpauth_uri", enrollment.otpauthUri()).put("secret", enrollment.base32Secret());
    }));
    router.post(path + "/confirm").handler(body).handler(ctx -> call.run(ctx, 200, caller -> {
      String code = JsonBodies.text(JsonBodies.object(bytes(ctx)), "totp", true);
      totp.confirm(ApproverTotp.Actor.of(caller), ctx.pathParam("name"), code);
      return status(ctx.pathParam("name"), "confirmed");
    }));
    router.get(path).handler(ctx -> call.run(ctx, 200,
        caller -> status(ctx.pathParam("name"), totp.status(ApproverTotp.Actor.of(caller), ctx.pathParam("name")))));
    router.delete(path).handler(ctx -> call.run(ctx, 200, caller -> {
      totp.remove(ApproverTotp.Actor.of(caller), ctx.pathParam("name"));
      return status(ctx.pathParam("name"), "none");
    }));
  }

  private static JsonNode status(String identity, String totp) {
    return JSON.createObjectNode().put("identity", identity).put("totp", totp);
  }

  /** A vote's body is optional: none, or {@code {"totp": "123456"}}. */
  private static String totpCode(RoutingContext ctx) {
    byte[] body = bytes(ctx);
    return body.length == 0 ? null : JsonBodies.text(JsonBodies.object(body), "totp", false);
  }

  private static byte[] bytes(RoutingContext ctx) {
    return ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
  }
}
