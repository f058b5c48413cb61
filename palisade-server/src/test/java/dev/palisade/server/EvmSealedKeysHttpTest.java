package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * EVM keys on both databases: an imported key is sealed, owned and, after a restart, reopened from its
 * sealed record and signs the vector's transaction again; another operator still sees 404; a deleted
 * key is gone after the next restart too.
 */
class EvmSealedKeysHttpTest {
  private static EmbeddedPostgres postgres;
  @TempDir Path temp;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  static Stream<String> stores() {
    return Stream.of("sqlite", "postgresql");
  }

  private String url(String store) throws Exception {
    if (store.equals("sqlite")) {
      return null;
    }
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("create database evm_sealed");
    }
    return postgres.getJdbcUrl("postgres", "evm_sealed");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void importedKeySurvivesARestartSealedAndStaysTheOperators(String store) throws Exception {
    String url = url(store);
    JsonNode vector = EvmVectors.load("transactions.json").get(3); // an EIP-1559 transaction
    String address = vector.get("address").asText();
    String path = "/api/v1/evm/" + address + "/sign/transaction";
    String tx = EvmVectors.rpcTransaction(vector).toString();
    String admin;
    String signer;
    String other;
    try (TenantNode node = TenantNode.start(temp.resolve("data"), url)) {
      admin = node.identity("admin", "default", "keys:read,keys:write");
      signer = node.identity("signer", "default", "sign:evm:tx");
      other = node.identity("other", "opb", "sign:evm:tx");
      ObjectNode body = EvmVectors.JSON.createObjectNode();
      body.put("keystore", EvmVectors.keystore(vector.get("secretKey").asText(), "pw"));
      body.put("password", "pw");
      assertEquals(201, node.call("POST", "/admin/v1/evm/keys", admin, body.toString()).statusCode());
    }
    try (TenantNode node = TenantNode.start(temp.resolve("data"), url)) {
      node.node.loadSealedKeys();
      HttpResponse<String> signed = node.call("POST", path, signer, tx);
      assertEquals(200, signed.statusCode(), signed.body());
      assertEquals(vector.get("signedSerialized").asText(), TenantNode.read(signed.body()).get("raw").asText());
      assertEquals(404, node.call("POST", path, other, tx).statusCode());
      assertEquals(address, TenantNode.read(node.call("GET", "/admin/v1/evm/keys", admin, null).body())
          .get("data").get(0).get("address").asText());
      assertEquals(200, node.call("DELETE", "/admin/v1/evm/keys/" + address, admin, null).statusCode());
      assertEquals(404, node.call("POST", path, signer, tx).statusCode());
    }
    try (TenantNode node = TenantNode.start(temp.resolve("data"), url)) {
      node.node.loadSealedKeys();
      assertEquals(404, node.call("POST", path, signer, tx).statusCode(), "deleted for good");
    }
  }
}
