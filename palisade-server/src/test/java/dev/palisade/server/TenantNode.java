package dev.palisade.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.Credential;
import dev.palisade.auth.NewIdentity;
import dev.palisade.auth.OperatorId;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.Eip2335Keystore;
import dev.palisade.crypto.Kdf;
import dev.palisade.server.keys.SealedKeysConfig;
import dev.palisade.vault.kek.Passphrase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;

/**
 * A node with two operators, {@code default} and {@code opb}, each holding its own sealed-file KEK,
 * and helpers to call it as a given identity. Used by the tenancy tests on SQLite and PostgreSQL.
 */
final class TenantNode implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final OperatorId OPB = OperatorId.of("opb");
  private static final SecureRandom RANDOM = new SecureRandom();

  final PalisadeNode node;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TenantNode(PalisadeNode node) {
    this.node = node;
  }

  /** {@code postgresUrl} null: embedded SQLite in {@code dataPath}. */
  static TenantNode start(Path dataPath, String postgresUrl) {
    return start(dataPath, postgresUrl, dev.palisade.server.evm.EvmApi.EvmConfig.NONE);
  }

  /** With the EVM surfaces configured ({@code eth_chainId}'s answer, the downstream node). */
  static TenantNode start(Path dataPath, String postgresUrl, dev.palisade.server.evm.EvmApi.EvmConfig evm) {
    NodeConfig.SlashingConfig slashing = postgresUrl == null
        ? NodeConfig.SlashingConfig.embedded()
        : new NodeConfig.SlashingConfig(true, Optional.of(postgresUrl), "postgres", "postgres");
    NodeConfig config = new NodeConfig(new ServerConfig("127.0.0.1", 0, 1 << 20, 4),
            dev.palisade.eth2.Networks.named("mainnet"), dataPath, slashing, Optional.empty(),
            new NodeConfig.AccessConfig(Optional.empty(), false))
        .withSealedKeys(kek(dataPath.resolve("kek.sealed"), "passphrase of default"))
        .withOperatorKek("opb", kek(dataPath.resolve("kek-opb.sealed"), "passphrase of opb"))
        .withEvm(evm);
    PalisadeNode node = PalisadeNode.start(config);
    if (node.access().store().listOperators().stream().noneMatch(o -> o.id().equals(OPB))) {
      node.access().store().createOperator(OPB);
    }
    return new TenantNode(node);
  }

  private static SealedKeysConfig kek(Path file, String passphrase) {
    return new SealedKeysConfig(file, Optional.of(() -> Passphrase.of(passphrase)), Optional.empty());
  }

  /** A token identity; returns its bearer token. */
  String identity(String name, String operator, String scopes) {
    return node.access().store()
        .createIdentity(NewIdentity.of(name, operator, new Credential.BearerToken(), scopes))
        .secret().orElseThrow().reveal();
  }

  /** Sets a policy through the admin API with a new admin identity of {@code operator}; fails unless 200. */
  void setPolicy(String operator, String scope, String id, String policy) {
    String admin = identity("policy-admin-" + Integer.toUnsignedString(RANDOM.nextInt()), operator, "admin");
    HttpResponse<String> response = call("PUT", "/admin/v1/policies/" + scope + "/" + id, admin, policy);
    if (response.statusCode() != 200) {
      throw new AssertionError("policy not set: " + response.statusCode() + " " + response.body());
    }
  }

  static BlsSecretKey newKey() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    secret[0] = (byte) (1 + (secret[0] & 0x3f)); // non-zero and below the curve order (0x73…)
    return BlsSecretKey.fromBytes(secret);
  }

  /** An EIP-2335 keystore with a cheap KDF (tests only). */
  static String keystore(BlsSecretKey key, String password) {
    try {
      return Eip2335Keystore.encrypt(key, password, new Kdf.Pbkdf2(16, Kdf.randomSalt(RANDOM)), "", RANDOM).toJson();
    } catch (dev.palisade.crypto.KeystoreException e) {
      throw new IllegalStateException(e);
    }
  }

  static String importBody(String keystore, String password, String interchange) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("keystores").add(keystore);
    body.putArray("passwords").add(password);
    if (interchange != null) {
      body.put("slashing_protection", interchange);
    }
    return body.toString();
  }

  static String deleteBody(String pubkey) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("pubkeys").add(pubkey);
    return body.toString();
  }

  static String interchange(String pubkey, long source, long target) {
    return """
        {"metadata":{"interchange_format_version":"5","genesis_validators_root":"%s"},
         "data":[{"pubkey":"%s","signed_blocks":[],
                  "signed_attestations":[{"source_epoch":"%d","target_epoch":"%d"}]}]}
        """.formatted(SigningApiTest.GVR, pubkey, source, target);
  }

  HttpResponse<String> call(String method, String path, String token, String body) {
    return call(method, path, token, body, "application/json");
  }

  HttpResponse<String> call(String method, String path, String token, String body, String contentType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", contentType)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The per-key {status, message} of a Keymanager import or delete. */
  JsonNode keymanager(String method, String token, String body) {
    HttpResponse<String> response = call(method, "/eth/v1/keystores", token, body);
    if (response.statusCode() != 200) {
      throw new AssertionError("Keymanager " + method + " answered " + response.statusCode() + ": " + response.body());
    }
    return read(response.body()).get("data").get(0);
  }

  HttpResponse<String> sign(String token, String pubkey, String body) {
    return call("POST", "/api/v1/eth2/sign/" + pubkey, token, body);
  }

  static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String exit() {
    return """
        {"type":"VOLUNTARY_EXIT","fork_info":{"fork":{"previous_version":"0x00000000","current_version":"0x00000000","epoch":"0"},
         "genesis_validators_root":"%s"},"voluntary_exit":{"epoch":"5","validator_index":"9"}}
        """.formatted(SigningApiTest.GVR);
  }

  @Override
  public void close() {
    node.close();
  }
}
