package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Limits that hold before a body is read: an unauthenticated request is answered 401 on its headers
 * alone; form and multipart bodies get 415, never 500; a client that drops mid-body is no ERROR.
 */
class RequestLimitsHttpTest {
  private static final String SIGN = "/api/v1/eth2/sign/" + SigningApiTest.PUBKEY;

  @TempDir static Path temp;
  /** Serves loopback callers (the default bootstrap identity). */
  private static PalisadeNode open;
  /** Knows no identity at all: every request is unauthenticated. */
  private static PalisadeNode closed;

  @BeforeAll
  static void start() {
    open = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp.resolve("open")));
    open.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
    NodeConfig noIdentities =
        new NodeConfig(new ServerConfig("127.0.0.1", 0, 4 * 1024 * 1024, 4), Networks.named("mainnet"),
            temp.resolve("closed"), NodeConfig.SlashingConfig.embedded(), Optional.empty(),
            new NodeConfig.AccessConfig(Optional.empty(), false));
    closed = PalisadeNode.start(noIdentities);
    closed.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
  }

  @AfterAll
  static void stop() {
    open.close();
    closed.close();
    if (bigBodies != null) {
      bigBodies.close();
    }
  }

  @Test
  void unauthenticatedRequestIsRefusedOnItsHeadersWithoutWaitingForTheBody() throws Exception {
    long started = System.nanoTime();
    // announces 4 MB but sends none of it: a server that buffers first would wait for the body
    String answer = RawHttp.sendAndRead(closed.port(), RawHttp.postHead(SIGN, "application/json", 4_000_000), new byte[0], 10_000);
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("401 for a request announcing 4 MB, none sent: %d ms, connection closed%n", millis);
    assertTrue(answer.startsWith("HTTP/1.1 401"), "got: " + answer);
    assertTrue(millis < 5_000, "401 took " + millis + " ms");
    assertTrue(answer.contains("\"code\":401"), answer);
  }

  @Test
  void unauthenticatedRequestsDoNotReachTheBodyReader() throws Exception {
    for (String path : List.of(SIGN, "/eth/v1/keystores", "/admin/v1/operators")) {
      String answer = RawHttp.sendAndRead(closed.port(), RawHttp.postHead(path, "application/json", 1_000_000), new byte[100], 10_000);
      assertTrue(answer.startsWith("HTTP/1.1 401"), path + " got: " + answer);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/x-www-form-urlencoded", "multipart/form-data; boundary=XyZ", "text/xml", "application/octet-stream"})
  void nonJsonBodiesAre415WithAJsonError(String contentType) {
    String body = contentType.startsWith("multipart")
        ? "--XyZ\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nATTESTATION\r\n--XyZ--\r\n"
        : "type=ATTESTATION&x=%zz"; // a malformed escape, too
    HttpResponse<String> response = new HttpTestClient(open.port()).send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + SIGN))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
    assertEquals(415, response.statusCode(), response.body());
    JsonNode error = MainnetSigningVectorsHttpTest.readJson(response.body());
    assertEquals(415, error.get("code").asInt());
    assertFalse(error.get("message").asText().isBlank());
  }

  /** Every body-reading endpoint, with and without a known caller: a 4xx, never a 5xx. */
  @ParameterizedTest
  @ValueSource(strings = {"/eth/v1/keystores", "/admin/v1/operators", "/admin/v1/identities"})
  void multipartAndFormBodiesOnEveryEndpointAre4xx(String path) {
    String multipart = "--XyZ\r\nContent-Disposition: form-data; name=\"keystores\"; filename=\"k.json\"\r\n"
        + "Content-Type: application/json\r\n\r\n{}\r\n--XyZ--\r\n";
    for (PalisadeNode node : List.of(open, closed)) {
      for (String[] typeAndBody : new String[][] {
          {"multipart/form-data; boundary=XyZ", multipart},
          {"multipart/form-data; boundary=XyZ", "--XyZ\r\ngarbage"},
          {"application/x-www-form-urlencoded", "keystores=%zz&passwords=%"}}) {
        HttpResponse<String> response = new HttpTestClient(node.port()).send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", typeAndBody[0])
                .POST(HttpRequest.BodyPublishers.ofString(typeAndBody[1]))
                .build());
        int expected = node == open ? 415 : 401;
        assertEquals(expected, response.statusCode(), path + " " + typeAndBody[0] + ": " + response.body());
      }
    }
  }

  @Test
  void jsonWithACharsetAndNoContentTypeAreStillRead() {
    for (String contentType : new String[] {"application/json; charset=utf-8", null}) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + SIGN))
          .timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.ofString("{\"type\":5}"));
      if (contentType != null) {
        request.header("Content-Type", contentType);
      }
      HttpResponse<String> response = new HttpTestClient(open.port()).send(request.build());
      assertEquals(400, response.statusCode(), contentType + ": " + response.body());
    }
  }

  /** The gate pauses each request; routes without a body must still leave the connection reusable. */
  @Test
  void oneKeepAliveConnectionServesGetsAndAPostInTurn() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", open.port())) {
      socket.setSoTimeout(5_000);
      java.io.InputStream in = socket.getInputStream();
      java.io.OutputStream out = socket.getOutputStream();
      for (int i = 0; i < 3; i++) {
        out.write(("GET /api/v1/eth2/publicKeys HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertTrue(readResponse(in).contains(SigningApiTest.PUBKEY), "GET " + i);
      }
      byte[] body = "{\"type\":5}".getBytes(StandardCharsets.US_ASCII);
      out.write(RawHttp.postHead(SIGN, "application/json", body.length).getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      assertTrue(readResponse(in).startsWith("HTTP/1.1 400"), "POST after GETs");
    }
  }

  /** Reads one response with a Content-Length body. */
  private static String readResponse(java.io.InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new java.io.EOFException("closed after: " + head);
      }
      head.append((char) b);
    }
    java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
    assertTrue(length.find(), head.toString());
    byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
    return head + new String(body, StandardCharsets.UTF_8);
  }

  /**
   * Bodies being received share a budget of a quarter of the heap: once slow clients hold it all,
   * the next body is refused at once (503) instead of being buffered; their disconnects give it back.
   * The connections are spread over the event loops, so which one comes last is not the order they were opened in.
   */
  @Test
  void slowBodiesBeyondTheBudgetAre503AndTheBudgetComesBack() throws Exception {
    int limit = 4 * 1024 * 1024;
    int fit = (int) (RequestGate.defaultBodyBudget(limit) / limit);
    for (int round = 0; round < 2; round++) {
      List<java.net.Socket> slow = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < fit + 1; i++) {
          java.net.Socket socket = new java.net.Socket("127.0.0.1", closedButLoopback().port());
          slow.add(socket);
          socket.getOutputStream().write(RawHttp.postHead(SIGN, "application/json", limit).getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().write(new byte[10]);
          socket.getOutputStream().flush();
        }
        long answered = System.nanoTime() + 5_000_000_000L;
        List<java.net.Socket> refused;
        do {
          Thread.sleep(20);
          refused = answered(slow);
        } while (refused.isEmpty() && System.nanoTime() < answered);
        Thread.sleep(200); // time for a second refusal, which there must not be
        refused = answered(slow);
        assertEquals(1, refused.size(), "round " + round + ": one of " + (fit + 1) + " slow bodies is beyond the budget");
        refused.get(0).setSoTimeout(5_000);
        String answer = RawHttp.readUntilClosedOrTimeout(refused.get(0).getInputStream());
        assertTrue(answer.startsWith("HTTP/1.1 503"), "round " + round + ": " + answer);
      } finally {
        for (java.net.Socket socket : slow) {
          socket.close();
        }
      }
      // the disconnects release their reservations (asynchronously)
      long deadline = System.nanoTime() + 10_000_000_000L;
      HttpResponse<String> after;
      do {
        Thread.sleep(100);
        after = new HttpTestClient(closedButLoopback().port()).sign(SigningApiTest.PUBKEY, "{\"type\":5}", "application/json");
      } while (after.statusCode() == 503 && System.nanoTime() < deadline);
      assertEquals(400, after.statusCode(), after.body());
    }
  }

  /** The sockets the server has written to: slow bodies within the budget get nothing until they end. */
  private static List<java.net.Socket> answered(List<java.net.Socket> sockets) throws java.io.IOException {
    List<java.net.Socket> answered = new java.util.ArrayList<>();
    for (java.net.Socket socket : sockets) {
      if (socket.getInputStream().available() > 0) {
        answered.add(socket);
      }
    }
    return answered;
  }

  private static PalisadeNode bigBodies;

  /** Loopback callers, bodies up to 4 MiB. */
  private static synchronized PalisadeNode closedButLoopback() {
    if (bigBodies == null) {
      bigBodies = PalisadeNode.start(new NodeConfig(new ServerConfig("127.0.0.1", 0, 4 * 1024 * 1024, 4),
          Networks.named("mainnet"), temp.resolve("big"), NodeConfig.SlashingConfig.embedded(), Optional.empty()));
      bigBodies.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
    }
    return bigBodies;
  }

  @Test
  void aClientDroppingMidBodyIsNotLoggedAsAnError() throws Exception {
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      for (int i = 0; i < 5; i++) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", open.port())) {
          socket.getOutputStream().write(RawHttp.postHead(SIGN, "application/json", 10_000).getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().write("{\"type\":\"ATT".getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          Thread.sleep(100);
        }
      }
      Thread.sleep(500);
      assertEquals(200, new HttpTestClient(open.port()).get("/upcheck").statusCode());
    } finally {
      System.setErr(originalErr);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    originalErr.print(logs);
    assertFalse(logs.contains("ERROR"), "a client disconnect was logged at ERROR:\n" + logs);
    assertFalse(logs.contains("\tat "), "a client disconnect was logged with a stack trace:\n" + logs);
  }
}
