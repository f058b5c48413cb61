package dev.palisade.server;

import static dev.palisade.server.TenantNode.OPB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditRecord;
import dev.palisade.auth.OperatorId;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Hex;
import dev.palisade.server.keys.SealedKeys;
import dev.palisade.slashing.Verdict;
import dev.palisade.vault.store.SealedKeyStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The six attacks of the first trust-boundary issue, replayed over HTTP against two operators
 * with their own KEKs, on SQLite and on PostgreSQL. Each of them succeeded on the code before the
 * KeyRegistry.
 */
class TenancyHttpTest {
  private static final String PASSWORD = "keystore password";
  private static final AtomicInteger DATABASES = new AtomicInteger();
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

  /** A node on a fresh database of the given kind. */
  private TenantNode start(String store) throws Exception {
    if (store.equals("sqlite")) {
      return TenantNode.start(temp.resolve("data"), null);
    }
    String name = "tenancy_" + DATABASES.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("create database " + name);
    }
    return TenantNode.start(temp.resolve("data"), postgres.getJdbcUrl("postgres", name));
  }

  @ParameterizedTest
  @MethodSource("stores")
  void anImportLandsInTheCallersOperatorSealedUnderItsOwnKek(String store) throws Exception {
    try (TenantNode tenants = start(store)) {
      tenants.node.addKeys(List.of());
      String opb = tenants.identity("km-b", "opb", "keys:read,keys:write,validate");
      String def = tenants.identity("km-a", "default", "keys:read,keys:write,validate");
      BlsSecretKey key = TenantNode.newKey();
      String pubkey = key.publicKey().toHex();

      JsonNode imported = tenants.keymanager("POST", opb, TenantNode.importBody(TenantNode.keystore(key, PASSWORD), PASSWORD, null));
      assertEquals("imported", imported.get("status").asText(), imported.toString());

      assertEquals(List.of(key.publicKey()), tenants.node.access().store().keysOf(OPB));
      assertTrue(tenants.node.access().store().keysOf(OperatorId.of("default")).isEmpty());
      assertEquals(200, tenants.sign(opb, pubkey, SigningApiTest.attestation(1, 2, "0x" + "00".repeat(32))).statusCode());
      assertEquals(404, tenants.sign(def, pubkey, SigningApiTest.attestation(2, 3, "0x" + "00".repeat(32))).statusCode(),
          "another operator's key answers as an unknown one");
      assertEquals("[\"" + pubkey + "\"]", tenants.call("GET", "/api/v1/eth2/publicKeys", opb, null).body());
      assertEquals("[]", tenants.call("GET", "/api/v1/eth2/publicKeys", def, null).body());

      SealedKeyStore sealed = sealedStore(tenants);
      var record = sealed.get(key.publicKey()).orElseThrow();
      assertEquals("opb", record.operator().value());
      String opbKek = sealed.operator(new dev.palisade.vault.seal.OperatorId("opb")).orElseThrow().kekId();
      String defaultKek = sealed.operator(dev.palisade.vault.seal.OperatorId.DEFAULT).orElseThrow().kekId();
      assertEquals(opbKek, record.kekId(), "sealed under opb's own KEK");
      assertNotEquals(defaultKek, opbKek);

      assertTrue(lifecycleRows(tenants, "KEY_IMPORT").stream().anyMatch(row -> "opb".equals(row.entry().operator())
          && key.publicKey().equals(row.entry().key())), "the import is an audit row of its operator");
    }
    // after a restart the key comes back for its operator, from its operator's KEK
    try (TenantNode tenants = restart(store)) {
      tenants.node.loadSealedKeys();
      tenants.node.addKeys(List.of());
      assertEquals(1, tenants.node.keys().list(OPB).size());
      assertTrue(tenants.node.keys().list(OperatorId.of("default")).isEmpty());
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aTenantAdminActsOnlyInsideItsOperator(String store) throws Exception {
    try (TenantNode tenants = start(store)) {
      BlsSecretKey defaultKey = TenantNode.newKey();
      tenants.node.addKeys(List.of(defaultKey));
      String victim = tenants.identity("vc-a", "default", "validate");
      String adminB = tenants.identity("admin-b", "opb", "admin");
      tenants.identity("vc-b", "opb", "validate");

      HttpResponse<String> foreign = tenants.call("POST", "/admin/v1/identities", adminB,
          "{\"name\":\"evil\",\"type\":\"token\",\"operator\":\"default\",\"scopes\":\"sign:exit\"}");
      assertEquals(403, foreign.statusCode(), foreign.body());
      assertTrue(tenants.node.access().store().findIdentity(dev.palisade.auth.IdentityId.of("evil")).isEmpty());
      HttpResponse<String> own = tenants.call("POST", "/admin/v1/identities", adminB,
          "{\"name\":\"ops-b\",\"type\":\"token\",\"scopes\":\"validate\"}");
      assertEquals(201, own.statusCode(), own.body());
      assertEquals("opb", TenantNode.read(own.body()).get("operator").asText(), "defaults to the caller's operator");

      assertEquals(404, tenants.call("DELETE", "/admin/v1/identities/vc-a", adminB, null).statusCode());
      assertEquals(200, tenants.sign(victim, defaultKey.publicKey().toHex(),
          SigningApiTest.attestation(1, 2, "0x" + "00".repeat(32))).statusCode(), "vc-a is not revoked");

      String identities = tenants.call("GET", "/admin/v1/identities", adminB, null).body();
      assertTrue(identities.contains("vc-b") && !identities.contains("vc-a"), identities);
      String operators = tenants.call("GET", "/admin/v1/operators", adminB, null).body();
      assertTrue(operators.contains("opb") && !operators.contains("default"), operators);
      assertEquals(403, tenants.call("POST", "/admin/v1/operators", adminB, "{\"name\":\"opc\"}").statusCode());

      JsonNode audit = TenantNode.read(tenants.call("GET", "/admin/v1/audit?rows=1000", adminB, null).body());
      assertTrue(audit.size() > 0, "its own rows: the identity it created");
      audit.forEach(row -> assertEquals("opb", row.get("operator").asText(), row.toString()));
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aForgedDuplicateDoesNotReEnableADeletedKey(String store) throws Exception {
    try (TenantNode tenants = start(store)) {
      tenants.node.addKeys(List.of());
      String opb = tenants.identity("km-b", "opb", "keys:read,keys:write,validate");
      BlsSecretKey key = TenantNode.newKey();
      String pubkey = key.publicKey().toHex();
      String keystore = TenantNode.keystore(key, PASSWORD);
      assertEquals("imported", tenants.keymanager("POST", opb, TenantNode.importBody(keystore, PASSWORD, null)).get("status").asText());
      assertEquals("deleted", tenants.keymanager("DELETE", opb, TenantNode.deleteBody(pubkey)).get("status").asText());
      assertDisabled(tenants, key.publicKey());

      // the real keystore with a wrong password, and another key's keystore claiming this pubkey
      assertEquals("error", tenants.keymanager("POST", opb, TenantNode.importBody(keystore, "wrong", null)).get("status").asText());
      BlsSecretKey other = TenantNode.newKey();
      String forged = TenantNode.keystore(other, PASSWORD).replace(other.publicKey().toHex().substring(2), pubkey.substring(2));
      JsonNode answer = tenants.keymanager("POST", opb, TenantNode.importBody(forged, PASSWORD, null));
      assertEquals("error", answer.get("status").asText(), answer.toString());
      assertDisabled(tenants, key.publicKey());
      assertFalse(tenants.node.loadedKeys().contains(key.publicKey()));

      // the holder of the secret may re-import it: explicitly, as "imported"
      assertEquals("imported", tenants.keymanager("POST", opb, TenantNode.importBody(keystore, PASSWORD, null)).get("status").asText());
      assertEquals(200, tenants.sign(opb, pubkey, SigningApiTest.attestation(3, 4, "0x" + "00".repeat(32))).statusCode());
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aFailedImportWritesNothingAndDoesNotRevealTheOwner(String store) throws Exception {
    try (TenantNode tenants = start(store)) {
      BlsSecretKey defaultKey = TenantNode.newKey();
      tenants.node.addKeys(List.of(defaultKey));
      String opb = tenants.identity("km-b", "opb", "keys:read,keys:write,validate");
      BlsSecretKey unknown = TenantNode.newKey();

      String brick = TenantNode.interchange(unknown.publicKey().toHex(), Long.MAX_VALUE - 1, Long.MAX_VALUE);
      JsonNode failed = tenants.keymanager("POST", opb, TenantNode.importBody(TenantNode.keystore(unknown, PASSWORD), "wrong", brick));
      assertEquals("error", failed.get("status").asText());
      assertEquals(0, history(tenants, unknown.publicKey()).get("data").size(), "no slashing rows for a failed import");
      assertTrue(tenants.node.access().store().ownerOf(unknown.publicKey()).isEmpty());

      // another operator's key, wrong password: the same answer as for an unknown key
      String defaultBrick = TenantNode.interchange(defaultKey.publicKey().toHex(), Long.MAX_VALUE - 1, Long.MAX_VALUE);
      JsonNode owned = tenants.keymanager("POST", opb, TenantNode.importBody(TenantNode.keystore(defaultKey, PASSWORD), "wrong", defaultBrick));
      assertEquals(failed.toString(), owned.toString(), "no ownership probe");
      // with the secret: refused as another operator's, and its history untouched
      String before = history(tenants, defaultKey.publicKey()).toString();
      JsonNode refused = tenants.keymanager("POST", opb, TenantNode.importBody(TenantNode.keystore(defaultKey, PASSWORD), PASSWORD, defaultBrick));
      assertEquals("error", refused.get("status").asText());
      assertTrue(refused.get("message").asText().contains("another operator"), refused.toString());
      assertEquals(before, history(tenants, defaultKey.publicKey()).toString());
      String def = tenants.identity("vc-a", "default", "validate");
      assertEquals(200, tenants.sign(def, defaultKey.publicKey().toHex(), SigningApiTest.attestation(7, 8, "0x" + "00".repeat(32))).statusCode(),
          "the owner still signs: nothing was bricked");
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void deletingAReadOnlyKeyChangesNothing(String store) throws Exception {
    try (TenantNode tenants = start(store)) {
      BlsSecretKey readOnly = BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET));
      tenants.node.addKeys(List.of(readOnly));
      String km = tenants.identity("km-a", "default", "keys:read,keys:write,validate");
      JsonNode answer = tenants.keymanager("DELETE", km, TenantNode.deleteBody(SigningApiTest.PUBKEY));
      assertEquals("error", answer.get("status").asText(), answer.toString());
      assertTrue(answer.get("message").asText().contains("read-only key (loaded from --keystores-path)"), answer.toString());
      assertTrue(tenants.node.loadedKeys().contains(readOnly.publicKey()));
      assertEquals(200, tenants.sign(km, SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, "0x" + "00".repeat(32))).statusCode(),
          "not disabled in the slashing store");
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void theBootstrapIdentityCannotExitAndIsAbsentOnARoutableAddress(String store) throws Exception {
    String url = null;
    if (store.equals("postgresql")) {
      String name = "tenancy_" + DATABASES.incrementAndGet();
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("create database " + name);
      }
      url = postgres.getJdbcUrl("postgres", name);
    }
    NodeConfig.SlashingConfig slashing = url == null ? NodeConfig.SlashingConfig.embedded()
        : new NodeConfig.SlashingConfig(true, java.util.Optional.of(url), "postgres", "postgres");
    NodeConfig local = new NodeConfig(new ServerConfig("127.0.0.1", 0, 1 << 20, 4),
        dev.palisade.eth2.Networks.named("mainnet"), temp.resolve("local"), slashing, java.util.Optional.empty());
    try (PalisadeNode node = PalisadeNode.start(local)) {
      node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      HttpTestClient anyLocalProcess = new HttpTestClient(node.port());
      HttpResponse<String> exit = anyLocalProcess.sign(SigningApiTest.PUBKEY, TenantNode.exit(), null);
      assertEquals(403, exit.statusCode(), exit.body());
      assertTrue(exit.body().contains("sign:exit"), exit.body());
      assertEquals(200, anyLocalProcess.sign(SigningApiTest.PUBKEY,
          SigningApiTest.attestation(1, 2, "0x" + "00".repeat(32)), null).statusCode(), "routine duties work at once");
    }
    if (url != null) {
      return; // the routable listener below needs no second database
    }
    ServerConfig routable = new ServerConfig("0.0.0.0", 0, 1 << 20, 4, ServerConfig.DEFAULT_QUEUE_LIMIT, "127.0.0.1",
        ServerConfig.METRICS_DISABLED, java.util.Optional.empty(), true);
    NodeConfig remote = new NodeConfig(routable, dev.palisade.eth2.Networks.named("mainnet"), temp.resolve("remote"),
        NodeConfig.SlashingConfig.embedded(), java.util.Optional.empty());
    try (PalisadeNode node = PalisadeNode.start(remote)) {
      node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      assertTrue(node.access().store().findIdentity(dev.palisade.server.access.AccessControl.LOOPBACK_IDENTITY).isEmpty());
      assertEquals(401, new HttpTestClient(node.port()).sign(SigningApiTest.PUBKEY, TenantNode.exit(), null).statusCode());
    }
  }

  @Test
  void keysLoadedAtStartBelongToDefaultEvenWhenAnotherOperatorWasCreatedFirst() throws Exception {
    // as the README's order suggests: `palisade operator create staking-ops` before the first `palisade run`
    Path data = temp.resolve("fresh");
    try (var database = NodeStorage.open(NodeConfig.SlashingConfig.embedded(), data);
        var identities = dev.palisade.auth.IdentityStore.open(database.dataSource(), database.dialect())) {
      identities.createOperator(OperatorId.of("staking-ops"));
    }
    NodeConfig config = new NodeConfig(new ServerConfig("127.0.0.1", 0, 1 << 20, 4),
        dev.palisade.eth2.Networks.named("mainnet"), data, NodeConfig.SlashingConfig.embedded(), java.util.Optional.empty());
    try (PalisadeNode node = PalisadeNode.start(config)) {
      node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
      assertEquals(List.of(BlsPublicKey.fromHex(SigningApiTest.PUBKEY)),
          node.access().store().keysOf(OperatorId.of("default")));
    }
  }

  private TenantNode restart(String store) throws Exception {
    if (store.equals("sqlite")) {
      return TenantNode.start(temp.resolve("data"), null);
    }
    return TenantNode.start(temp.resolve("data"), postgres.getJdbcUrl("postgres", "tenancy_" + DATABASES.get()));
  }

  private static SealedKeyStore sealedStore(TenantNode tenants) {
    return tenants.node.sealedKeyStore().orElseThrow();
  }

  private static List<AuditRecord> lifecycleRows(TenantNode tenants, String event) {
    return tenants.node.auditLog().tail(1000).stream()
        .filter(row -> row.entry().decision() == AuditDecision.CHANGED && event.equals(row.entry().signingType()))
        .toList();
  }

  private static JsonNode history(TenantNode tenants, BlsPublicKey key) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tenants.node.slashingProtection().exportInterchange(out, List.of(key));
    return TenantNode.read(out.toString(StandardCharsets.UTF_8));
  }

  /** Disabled in the slashing store: no instance on this database may sign with it. */
  private static void assertDisabled(TenantNode tenants, BlsPublicKey key) {
    Verdict verdict = tenants.node.slashingProtection().checkAndRecordAttestation(
        key, Bytes32.fromHex(SigningApiTest.GVR), 100, 101, Bytes32.fromHex("0x" + "ee".repeat(32)));
    Verdict.Refused refused = assertInstanceOf(Verdict.Refused.class, verdict);
    assertTrue(refused.ruleName().contains("disabled"), refused.ruleName());
  }
}
