package dev.palisade.server.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * How every console answer is written: the templates (precompiled by jte at build time, output
 * escaped for HTML), the security headers, and the cookies. No page carries inline script or
 * style, so the policy allows only this origin's own files.
 */
final class ConsoleResponses {
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
  private final boolean tls;

  ConsoleResponses(boolean tls) {
    this.tls = tls;
  }

  String render(String template, Object page) {
    StringOutput output = new StringOutput();
    templates.render(template + ".jte", page, output);
    return output.toString();
  }

  void html(RoutingContext ctx, int status, String html) {
    secure(ctx.response()).setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(html);
  }

  /** 303: after a POST the browser follows with a GET, so a reload never repeats the change. */
  void redirect(RoutingContext ctx, String location) {
    secure(ctx.response()).setStatusCode(303).putHeader("Location", location).end();
  }

  HttpServerResponse secure(HttpServerResponse response) {
    response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin")
        .putHeader("Cross-Origin-Resource-Policy", "same-origin")
        .putHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        // pages show tokens once and operator data: never kept by a cache or the back button
        .putHeader("Cache-Control", "no-store");
    if (tls) {
      response.putHeader("Strict-Transport-Security", "max-age=31536000");
    }
    return response;
  }

  /** HttpOnly, SameSite=Strict, Secure under TLS, scoped to the console; a browser session cookie. */
  void setCookie(RoutingContext ctx, String name, String value) {
    ctx.response().addCookie(Cookie.cookie(name, value).setPath("/console").setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT).setSecure(tls));
  }

  void clearCookie(RoutingContext ctx, String name) {
    ctx.response().addCookie(Cookie.cookie(name, "").setPath("/console").setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT).setSecure(tls).setMaxAge(0));
  }

  static String cookie(RoutingContext ctx, String name) {
    Cookie cookie = ctx.request().getCookie(name);
    return cookie == null ? null : cookie.getValue();
  }
}
