package dev.palisade.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A console session driven over plain HTTP: to send what a browser would not (no CSRF token, a stale one). */
final class ConsoleHttpSession {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final Pattern LOGIN_CSRF = Pattern.compile("name=\"login_csrf\" value=\"([^\"]+)\"");
  private final HttpClient client;
  private final String base;
  String cookie;
  /** The raw Set-Cookie of the session, as the login answered it. */
  String setCookie;

  ConsoleHttpSession(int port) {
    this("http://127.0.0.1:" + port, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  private ConsoleHttpSession(String base, HttpClient client) {
    this.base = base;
    this.client = client;
  }

  /** Over HTTPS, presenting whatever client certificate {@code tls} holds. */
  static ConsoleHttpSession tls(int port, javax.net.ssl.SSLContext tls) {
    return new ConsoleHttpSession("https://127.0.0.1:" + port,
        HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build());
  }

  HttpResponse<String> login(String token) {
    HttpResponse<String> form = get("/console/login");
    String loginCookie = cookieValue(form.headers().firstValue("Set-Cookie").orElseThrow());
    HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base + "/console/login"))
        .header("Cookie", loginCookie).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(
            form(Map.of("login_csrf", find(LOGIN_CSRF, form.body()), "token", token)))));
    answer.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("palisade_console=")).findFirst()
        .ifPresent(header -> {
          setCookie = header;
          cookie = cookieValue(header);
        });
    return answer;
  }

  HttpResponse<String> get(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    return send(request.GET());
  }

  /** The CSRF token the page at {@code path} carries. */
  String csrf(String path) {
    return find(CSRF, get(path).body());
  }

  HttpResponse<String> post(String path, Map<String, String> fields) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(fields)));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    return send(request);
  }

  static Map<String, String> fields(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static String cookieValue(String setCookie) {
    return setCookie.split(";", 2)[0];
  }

  static String find(Pattern pattern, String html) {
    Matcher matcher = pattern.matcher(html);
    if (!matcher.find()) {
      throw new AssertionError("no " + pattern + " in " + html);
    }
    return matcher.group(1);
  }
}
