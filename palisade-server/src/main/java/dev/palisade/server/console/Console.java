package dev.palisade.server.console;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.Identity;
import dev.palisade.auth.PresentedCredentials;
import dev.palisade.server.PalisadeServer;
import dev.palisade.server.http.ErrorResponses;
import dev.palisade.server.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console at {@code /console}: server-rendered pages over the same APIs as
 * {@code /admin} and {@code /eth}, called as the logged-in identity. A session comes from a
 * bearer token (or the client certificate) posted to the login form; every state change carries
 * the session's CSRF token. Session and CSRF are checked on the event loop before any body is read;
 * bodies are forms of at most a few kilobytes; pages are built on the worker pool.
 */
public final class Console {
  private static final Logger LOG = LoggerFactory.getLogger(Console.class);
  static final String SESSION_COOKIE = "palisade_console";
  static final String LOGIN_COOKIE = "palisade_console_login";
  static final Duration IDLE_TIMEOUT = Duration.ofMinutes(15);
  private static final String SESSION = "palisade.console.session";
  private static final int FORM_LIMIT = 8 * 1024;

  private final PalisadeServer.Services services;
  private final ConsolePages pages;
  private final ConsoleSessions sessions;
  private final ConsoleResponses responses;
  private final ConsoleActions actions;

  private Console(PalisadeServer.Services services, ConsoleSessions sessions, boolean tls) {
    this.services = services;
    this.pages = new ConsolePages(services, Clock.systemUTC());
    this.sessions = sessions;
    this.responses = new ConsoleResponses(tls);
    this.actions = new ConsoleActions(services.admin(), services.policyAdmin(), pages);
  }

  /** Adds the console's routes; {@code tls}: the listener speaks HTTPS (cookies are then Secure). */
  public static void mount(Router router, PalisadeServer.Services services, boolean tls) {
    new Console(services, new ConsoleSessions(new SecureRandom(), Clock.systemUTC(), IDLE_TIMEOUT), tls)
        .routes(router);
  }

  private void routes(Router router) {
    router.route("/console/*").failureHandler(this::failure);
    router.get("/console").handler(ctx -> responses.redirect(ctx, "/console/overview"));
    ConsoleAssets.mount(router, responses);
    router.get("/console/login").handler(this::loginPage);
    router.post("/console/login").handler(form(1024)).handler(this::login);
    router.post("/console/logout").handler(this::requireSession).handler(form(FORM_LIMIT))
        .handler(this::requireCsrf).handler(this::logout);
    page(router, "overview", "Overview", pages::overview);
    router.get("/console/keys").handler(this::requireSession).handler(ctx -> {
      String page = ctx.request().getParam("page");
      if (page != null && !page.matches("[1-9][0-9]{0,6}")) {
        plainFailure(ctx, 400, "page must be a page number (1, 2, …)");
        return;
      }
      asCaller(ctx, "keys", "Keys", (caller, frame) ->
          new Rendered(200, "keys", pages.keys(caller, frame, page == null ? 1 : Integer.parseInt(page))));
    });
    page(router, "refusals", "Refusals", pages::refusals);
    page(router, "audit", "Audit log", pages::audit);
    page(router, "identities", "Identities", (caller, frame) -> pages.identities(caller, frame, null, null, null));
    page(router, "approvals", "Approvals", (caller, frame) -> pages.approvals(caller, frame, null));
    router.get("/console/policies").handler(this::requireSession).handler(ctx -> asCaller(ctx, "policies", "Policies",
        (caller, frame) -> new Rendered(200, "policies", pages.policies(caller, frame,
            ctx.request().getParam("scope"), ctx.request().getParam("id")))));
    change(router, "/console/identities", "identities", "Identities", actions::createIdentity);
    change(router, "/console/identities/:name/revoke", "identities", "Identities", actions::revokeIdentity);
    change(router, "/console/approvals/:id/:vote", "approvals", "Approvals", actions::vote);
  }

  private void page(Router router, String name, String title, BiFunction<Identity, Views.Frame, Object> build) {
    router.get("/console/" + name).handler(this::requireSession)
        .handler(ctx -> asCaller(ctx, name, title, (caller, frame) -> new Rendered(200, name, build.apply(caller, frame))));
  }

  private void change(Router router, String path, String name, String title, ConsoleActions.Action action) {
    router.post(path).handler(this::requireSession).handler(form(FORM_LIMIT)).handler(this::requireCsrf)
        .handler(ctx -> asCaller(ctx, name, title, (caller, frame) -> action.run(caller, frame, ctx)));
  }

  /** A template with its page and the status to answer. */
  record Rendered(int status, String template, Object page) {}

  private record Answer(int status, String html) {}

  /** Looks up the session's identity (a revoked one ends the session), builds the page off the event loop. */
  private void asCaller(RoutingContext ctx, String active, String title,
      BiFunction<Identity, Views.Frame, Rendered> build) {
    ConsoleSessions.Session session = ctx.get(SESSION);
    blocking(ctx, () -> {
      Optional<Identity> caller = services.access().store().findIdentity(session.identity())
          .filter(identity -> !identity.isRevoked());
      if (caller.isEmpty()) {
        sessions.close(session);
        return null;
      }
      Identity identity = caller.get();
      Views.Frame frame = new Views.Frame(title, active, identity.id().value(), identity.operator().value(),
          identity.scopes().toWire(), session.csrf());
      Rendered rendered = build.apply(identity, frame);
      return new Answer(rendered.status(), responses.render(rendered.template(), rendered.page()));
    }, done -> {
      if (done == null) {
        responses.clearCookie(ctx, SESSION_COOKIE);
        responses.redirect(ctx, "/console/login");
      } else {
        responses.html(ctx, done.status(), done.html());
      }
    });
  }

  private void loginPage(RoutingContext ctx) {
    String loginCsrf = sessions.randomToken();
    responses.setCookie(ctx, LOGIN_COOKIE, loginCsrf);
    responses.html(ctx, 200, responses.render("login", new Views.Login(loginCsrf, ctx.request().isSSL(), null)));
  }

  /** Login CSRF: the form's token must match the cookie set with the form (double submit). */
  private void login(RoutingContext ctx) {
    String expected = ConsoleResponses.cookie(ctx, LOGIN_COOKIE);
    String presented = ctx.request().getFormAttribute("login_csrf");
    if (expected == null || presented == null || !MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII))) {
      loginAgain(ctx, 403, "The login form expired. Try again.");
      return;
    }
    String token = ctx.request().getFormAttribute("token");
    // a token, or else the TLS client certificate; never the source address (anyone on the host has it)
    PresentedCredentials credentials = token != null && !token.isBlank()
        ? PresentedCredentials.of(null, "Bearer " + token.trim(), null)
        : PresentedCredentials.of(ClientCertificates.of(ctx), null, null);
    String source = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    blocking(ctx, () -> {
      try {
        return sessions.open(services.access().authenticate(credentials).id());
      } catch (ApiException.Unauthenticated e) {
        services.unauthenticatedListener().accept(source, e.auditReason()); // audited like an API refusal
        return null;
      }
    }, opened -> {
      if (opened == null) {
        loginAgain(ctx, 401, "That token or certificate is not accepted.");
      } else if (opened.isEmpty()) {
        loginAgain(ctx, 503, "Too many console sessions are open. Try again later.");
      } else {
        responses.clearCookie(ctx, LOGIN_COOKIE);
        responses.setCookie(ctx, SESSION_COOKIE, opened.get().cookie());
        responses.redirect(ctx, "/console/overview");
      }
    });
  }

  private void loginAgain(RoutingContext ctx, int status, String message) {
    String loginCsrf = sessions.randomToken();
    responses.setCookie(ctx, LOGIN_COOKIE, loginCsrf);
    responses.html(ctx, status, responses.render("login", new Views.Login(loginCsrf, ctx.request().isSSL(), message)));
  }

  private void logout(RoutingContext ctx) {
    sessions.close(ctx.get(SESSION));
    responses.clearCookie(ctx, SESSION_COOKIE);
    responses.redirect(ctx, "/console/login");
  }

  /** On the event loop, before any body: a page without a session goes to the login form; a change is refused. */
  private void requireSession(RoutingContext ctx) {
    Optional<ConsoleSessions.Session> session = sessions.touch(ConsoleResponses.cookie(ctx, SESSION_COOKIE));
    if (session.isPresent()) {
      ctx.put(SESSION, session.get());
      ctx.next();
    } else if (ctx.request().method().name().equals("GET")) {
      responses.redirect(ctx, "/console/login");
    } else {
      refuseAndClose(ctx, 401, "No console session: log in first.");
    }
  }

  private void requireCsrf(RoutingContext ctx) {
    if (ConsoleSessions.csrfMatches(ctx.get(SESSION), ctx.request().getFormAttribute("csrf"))) {
      ctx.next();
    } else {
      plainFailure(ctx, 403, "Missing or stale CSRF token: reload the page and try again.");
    }
  }

  /** Only small url-encoded forms; anything else is refused before it is read. */
  private Handler<RoutingContext> form(int limit) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(limit);
    return ctx -> {
      String type = ctx.request().getHeader("Content-Type");
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
        refuseAndClose(ctx, 415, "The console accepts only form posts.");
        return;
      }
      body.handle(ctx);
    };
  }

  private void refuseAndClose(RoutingContext ctx, int status, String message) {
    ctx.response().putHeader("Connection", "close");
    ctx.addEndHandler(done -> ctx.request().connection().close());
    plainFailure(ctx, status, message);
  }

  private void plainFailure(RoutingContext ctx, int status, String message) {
    responses.html(ctx, status, responses.render("failure", new Views.Failure(null, status, message)));
  }

  /** Failures of a console route (a body over the limit, a bug) answer HTML, not the API's JSON. */
  private void failure(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    Throwable failure = ctx.failure();
    int status = failure != null ? ErrorResponses.statusOf(failure) : ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status == 500) {
      LOG.error("console failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
    }
    plainFailure(ctx, status, failure != null ? ErrorResponses.publicMessage(failure) : "The request failed.");
  }

  private <T> void blocking(RoutingContext ctx, Callable<T> work, Handler<T> respond) {
    ctx.vertx().executeBlocking(work, false).onComplete(result -> {
      if (result.succeeded()) {
        respond.handle(result.result());
      } else {
        ctx.fail(result.cause());
      }
    });
  }

  /** The JSON body the admin API takes, built from form fields (blank fields are left out). */
  static ObjectNode json(RoutingContext ctx, String... fields) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    for (String field : fields) {
      String value = ctx.request().getFormAttribute(field);
      if (value != null && !value.isBlank()) {
        body.put(field, value.trim());
      }
    }
    return body;
  }
}
