package dev.palisade.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain JDK HTTP client speaking to a node on loopback, as a validator client would. */
final class HttpTestClient {
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String bearer;

  HttpTestClient(int port) {
    this(port, null);
  }

  /** Sends {@code Authorization: Bearer <token>} with every request. */
  HttpTestClient(int port, String bearer) {
    this.base = "http://127.0.0.1:" + port;
    this.bearer = bearer;
  }

  /**
   * A client of a token identity of the default operator holding every signing scope, exits and
   * deposits included (the credential-less loopback identity holds routine duties only).
   */
  static HttpTestClient everySigningScope(PalisadeNode node) {
    String token = node.access().store()
        .createIdentity(dev.palisade.auth.NewIdentity.of("all-signing-" + System.nanoTime(), "default",
            new dev.palisade.auth.Credential.BearerToken(), "validate,sign:exit,sign:deposit,keys:read"))
        .secret().orElseThrow().reveal();
    return new HttpTestClient(node.port(), token);
  }

  HttpResponse<String> sign(String identifier, String body, String accept) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/eth2/sign/" + identifier))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (accept != null) {
      request.header("Accept", accept);
    }
    return send(request.build());
  }

  HttpResponse<String> get(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return send(request.build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
