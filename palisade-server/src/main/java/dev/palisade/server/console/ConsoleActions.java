package dev.palisade.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.Identity;
import dev.palisade.server.http.AdminApi;
import dev.palisade.server.http.ErrorResponses;
import dev.palisade.server.http.PolicyAdminApi;
import dev.palisade.server.http.ApiException;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/**
 * The console's state changes, each one call of the admin API as the session's identity: it checks
 * the scope and the operator and writes the audit row before answering. A refusal is shown on the
 * page it came from, with the status the API would have answered.
 */
final class ConsoleActions {
  @FunctionalInterface
  interface Action {
    Console.Rendered run(Identity caller, Views.Frame frame, RoutingContext ctx);
  }

  private final AdminApi admin;
  private final PolicyAdminApi policy;
  private final ConsolePages pages;

  ConsoleActions(AdminApi admin, PolicyAdminApi policy, ConsolePages pages) {
    this.admin = admin;
    this.policy = policy;
    this.pages = pages;
  }

  Console.Rendered createIdentity(Identity caller, Views.Frame frame, RoutingContext ctx) {
    ObjectNode request = Console.json(ctx, "name", "type", "scopes", "cert_fingerprint");
    String cidrs = ctx.request().getFormAttribute("cidrs");
    if (cidrs != null && !cidrs.isBlank()) {
      var array = request.putArray("cidrs");
      for (String cidr : cidrs.split("[,\\s]+")) {
        array.add(cidr);
      }
    }
    try {
      JsonNode created = admin.createIdentity(caller, request.toString().getBytes(StandardCharsets.UTF_8));
      String secret = created.has("secret") ? created.get("secret").asText() : null;
      return new Console.Rendered(201, "identities",
          pages.identities(caller, frame, created.path("name").asText(), secret, null));
    } catch (ApiException e) {
      return refused(caller, frame, e);
    }
  }

  Console.Rendered revokeIdentity(Identity caller, Views.Frame frame, RoutingContext ctx) {
    String name = ctx.pathParam("name");
    try {
      admin.revokeIdentity(caller, name);
      return new Console.Rendered(200, "identities",
          pages.identities(caller, frame, null, null, "Identity " + name + " revoked."));
    } catch (ApiException e) {
      return refused(caller, frame, e);
    }
  }

  Console.Rendered vote(Identity caller, Views.Frame frame, RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String vote = ctx.pathParam("vote");
    if (!vote.equals("approve") && !vote.equals("deny")) {
      return new Console.Rendered(404, "approvals", pages.approvals(caller, frame, "No such action: " + vote));
    }
    try {
      policy.vote(caller, id, vote.equals("approve"), ctx.request().getFormAttribute("totp"));
      return new Console.Rendered(200, "approvals", pages.approvals(caller, frame, "Your " + vote + " is recorded."));
    } catch (ApiException e) {
      return new Console.Rendered(ErrorResponses.statusOf(e), "approvals",
          pages.approvals(caller, frame, ErrorResponses.publicMessage(e)));
    }
  }

  private Console.Rendered refused(Identity caller, Views.Frame frame, ApiException e) {
    return new Console.Rendered(ErrorResponses.statusOf(e), "identities",
        pages.identities(caller, frame, null, null, ErrorResponses.publicMessage(e)));
  }
}
