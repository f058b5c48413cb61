package dev.palisade.server.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The console's only script and stylesheet, served from the jar (no CDN; the CSP allows nothing else). */
final class ConsoleAssets {
  private static final Map<String, String> FILES =
      Map.of("console.css", "text/css; charset=utf-8", "console.js", "text/javascript; charset=utf-8");

  private ConsoleAssets() {}

  static void mount(Router router, ConsoleResponses responses) {
    FILES.forEach((file, type) -> {
      Buffer content = Buffer.buffer(read("/console/" + file));
      router.get("/console/static/" + file).handler(ctx ->
          responses.secure(ctx.response()).putHeader("Content-Type", type).end(content));
    });
  }

  private static byte[] read(String resource) {
    try (InputStream in = ConsoleAssets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
