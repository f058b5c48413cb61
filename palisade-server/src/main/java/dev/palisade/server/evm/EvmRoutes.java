package dev.palisade.server.evm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.Identity;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Handler;
import java.util.function.Function;

/** Mounts the EVM routes; the server passes how to authenticate and answer off the event loop. */
public final class EvmRoutes {
  /** Authenticates, runs {@code work} on the signing pool and answers with {@code status} JSON. */
  @FunctionalInterface
  public interface JsonAnswer {
    void answer(RoutingContext ctx, int status, Function<Identity, JsonNode> work);
  }

  /** As {@link JsonAnswer}, answering text/plain (Web3Signer's eth1 sign). */
  @FunctionalInterface
  public interface TextAnswer {
    void answer(RoutingContext ctx, Function<Identity, String> work);
  }

  private EvmRoutes() {}

  /** {@code body} reads a JSON body after the request gate authenticated the caller. */
  public static void mount(Router router, EvmApi api, Handler<RoutingContext> body, JsonAnswer json, TextAnswer text) {
    EvmRestApi rest = new EvmRestApi(api);
    JsonRpc rpc = new JsonRpc(api, rest);
    router.post("/").handler(body).handler(ctx -> json.answer(ctx, 200, caller -> rpc.handle(caller, source(ctx), bytes(ctx))));
    router.get("/api/v1/eth1/publicKeys").handler(ctx -> json.answer(ctx, 200, rest::accounts));
    router.post("/api/v1/eth1/sign/:identifier").handler(body)
        .handler(ctx -> text.answer(ctx, caller -> rest.signRaw(caller, source(ctx), ctx.pathParam("identifier"), bytes(ctx))));
    router.post("/api/v1/evm/:address/sign/transaction").handler(body)
        .handler(ctx -> json.answer(ctx, 200, c -> rest.signTransaction(c, source(ctx), ctx.pathParam("address"), bytes(ctx))));
    router.post("/api/v1/evm/:address/sign/eip191").handler(body)
        .handler(ctx -> json.answer(ctx, 200, c -> rest.signEip191(c, source(ctx), ctx.pathParam("address"), bytes(ctx))));
    router.post("/api/v1/evm/:address/sign/eip712").handler(body)
        .handler(ctx -> json.answer(ctx, 200, c -> rest.signEip712(c, source(ctx), ctx.pathParam("address"), bytes(ctx))));
    router.get("/admin/v1/evm/keys").handler(ctx -> json.answer(ctx, 200, rest::listKeys));
    router.post("/admin/v1/evm/keys").handler(body).handler(ctx -> json.answer(ctx, 201, c -> rest.addKey(c, bytes(ctx))));
    router.delete("/admin/v1/evm/keys/:address")
        .handler(ctx -> json.answer(ctx, 200, c -> rest.deleteKey(c, ctx.pathParam("address"))));
  }

  private static java.util.Optional<java.net.InetAddress> source(RoutingContext ctx) {
    return dev.palisade.server.RequestGate.source(ctx);
  }

  private static byte[] bytes(RoutingContext ctx) {
    return ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
  }
}
