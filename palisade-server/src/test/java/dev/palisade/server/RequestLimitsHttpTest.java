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
  }

  @Test
  void unauthenticatedRequestIsRefusedOnItsHeadersWithoutWaitingForTheBody() throws Exception {
    long started = System.nanoTime();
    // announces 4 MB but sends none of it: a server that buffers first would wait for the body
    String answer = RawHttp.sendAndRead(closed.port(), RawHttp.postHead(SIGN, "application/json", 4_000_000), new byte[0], 10_000);
    long millis = (System.nanoTime() - started) / 1_000_000;
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
