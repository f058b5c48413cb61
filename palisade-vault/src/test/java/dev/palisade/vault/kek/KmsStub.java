package dev.palisade.vault.kek;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.AEADBadTagException;
import dev.palisade.vault.seal.AesGcm;
import dev.palisade.vault.seal.DestroyableAesKey;

/**
 * A local STUB of three AWS KMS calls (GenerateDataKey, Decrypt, Encrypt) speaking the KMS JSON
 * protocol (POST /, X-Amz-Target: TrentService.*, base64 blobs). It is not AWS: it holds one
 * master key and makes ciphertext blobs as AES-GCM with the encryption context as associated data,
 * so, like KMS, it refuses a Decrypt whose context differs from the one used to encrypt.
 */
public final class KmsStub implements AutoCloseable {
  public static final String KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/palisade-test-key";
  private static final ObjectMapper JSON = new ObjectMapper();

  record Call(String operation, Map<String, String> encryptionContext, boolean signed) {}

  private final HttpServer server;
  private final DestroyableAesKey masterKey = new DestroyableAesKey(AesGcm.randomBytes(32));
  final List<Call> calls = new CopyOnWriteArrayList<>();

  public KmsStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public long count(String operation) {
    return calls.stream().filter(call -> call.operation().equals(operation)).count();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      String operation = target == null ? "" : target.replace("TrentService.", "");
      Map<String, String> context = context(request.path("EncryptionContext"));
      calls.add(new Call(operation, context,
          authorization != null && authorization.startsWith("AWS4-HMAC-SHA256")));
      if (!"POST".equals(exchange.getRequestMethod()) || target == null) {
        error(exchange, "UnknownOperationException", "not a KMS call");
        return;
      }
      String keyId = request.path("KeyId").asText(KEY_ARN);
      if (!keyId.equals(KEY_ARN)) {
        error(exchange, "NotFoundException", "Key '" + keyId + "' does not exist");
        return;
      }
      ObjectNode response = JSON.createObjectNode().put("KeyId", KEY_ARN);
      switch (operation) {
        case "GenerateDataKey" -> {
          if (!"AES_256".equals(request.path("KeySpec").asText())) {
            error(exchange, "ValidationException", "KeySpec must be AES_256 here");
            return;
          }
          byte[] plaintext = AesGcm.randomBytes(32);
          response.put("Plaintext", b64(plaintext));
          response.put("CiphertextBlob", b64(seal(plaintext, context)));
        }
        case "Encrypt" -> {
          byte[] plaintext = Base64.getDecoder().decode(request.path("Plaintext").asText());
          response.put("CiphertextBlob", b64(seal(plaintext, context)));
        }
        case "Decrypt" -> {
          byte[] blob = Base64.getDecoder().decode(request.path("CiphertextBlob").asText());
          try {
            response.put("Plaintext", b64(open(blob, context)));
            response.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
          } catch (AEADBadTagException | IllegalArgumentException e) {
            error(exchange, "InvalidCiphertextException", null);
            return;
          }
        }
        default -> {
          error(exchange, "UnknownOperationException", operation);
          return;
        }
      }
      send(exchange, 200, response);
    }
  }

  private byte[] seal(byte[] plaintext, Map<String, String> context) {
    byte[] nonce = AesGcm.newNonce();
    byte[] sealed = AesGcm.encrypt(masterKey, nonce, canonical(context), plaintext);
    byte[] blob = Arrays.copyOf(nonce, nonce.length + sealed.length);
    System.arraycopy(sealed, 0, blob, nonce.length, sealed.length);
    return blob;
  }

  private byte[] open(byte[] blob, Map<String, String> context) throws AEADBadTagException {
    if (blob.length < AesGcm.NONCE_BYTES + AesGcm.TAG_BYTES) {
      throw new IllegalArgumentException("short blob");
    }
    byte[] nonce = Arrays.copyOf(blob, AesGcm.NONCE_BYTES);
    return AesGcm.decrypt(masterKey, nonce, canonical(context), blob, AesGcm.NONCE_BYTES,
        blob.length - AesGcm.NONCE_BYTES);
  }

  private static byte[] canonical(Map<String, String> context) {
    StringBuilder out = new StringBuilder();
    new TreeMap<>(context).forEach((k, v) -> out.append(k).append('=').append(v).append(';'));
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> context(JsonNode node) {
    Map<String, String> context = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      context.put(entry.getKey(), entry.getValue().asText());
    }
    return context;
  }

  private static void error(HttpExchange exchange, String type, String message) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("__type", type);
    if (message != null) {
      body.put("message", message);
    }
    exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
    send(exchange, 400, body);
  }

  private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().add("x-amzn-RequestId", "stub-request");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    masterKey.destroy();
  }
}
