package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditRecord;
import dev.palisade.auth.Cidr;
import dev.palisade.auth.CreatedIdentity;
import dev.palisade.auth.Credential;
import dev.palisade.auth.Fingerprint;
import dev.palisade.auth.IdentityStore;
import dev.palisade.auth.NewIdentity;
import dev.palisade.auth.OperatorId;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import dev.palisade.server.access.AccessControl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every identity type over real TLS (certificates made in the test): the right identity with the
 * right scope signs; no credentials → 401; wrong scope → 403; another operator's key → 404. The
 * whole run's logs and error bodies never contain a token, a basic password or key material.
 */
class AuthenticationHttpTest {
  private static final String OTHER_SECRET = "0x" + "00".repeat(31) + "2a";

  @TempDir static Path temp;
  private static TestPki pki;
  private static PalisadeNode node;
  private static String token;
  private static String basicSecret;
  private static String otherOperatorsKey;
  private static final List<String> bodies = new ArrayList<>();
  private static final ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
  private static PrintStream originalErr;

  @BeforeAll
  static void start() throws Exception {
    originalErr = System.err;
    System.setErr(new PrintStream(new TeeStream(originalErr, capturedErr), true, StandardCharsets.UTF_8));
    pki = new TestPki(temp);
    ServerConfig server =
        new ServerConfig("127.0.0.1", 0, 64 * 1024, 4).withTls(TlsConfig.pkcs12(pki.serverP12, pki.serverPasswordFile));
    NodeConfig config =
        new NodeConfig(server, Networks.named("mainnet"), temp.resolve("data"),
            NodeConfig.SlashingConfig.embedded(), Optional.empty(),
            new NodeConfig.AccessConfig(Optional.of(pki.caPem), false));
    node = PalisadeNode.start(config);
    IdentityStore store = node.access().store();
    store.createOperator(OperatorId.of("other"));
    token = store.createIdentity(NewIdentity.of("vc-token", "default", new Credential.BearerToken(), "validate"))
        .secret().orElseThrow().reveal();
    basicSecret = store.createIdentity(NewIdentity.of("vc-basic", "default", new Credential.BasicSecret(), "validate"))
        .secret().orElseThrow().reveal();
    store.createIdentity(NewIdentity.of("vc-cert", "default",
        new Credential.CertFingerprint(Fingerprint.of(TestPki.certificate(pki.selfSignedClientP12, "client"))), "validate"));
    store.createIdentity(NewIdentity.of("vc-ca", "default",
        new Credential.CertIssuedBy(Fingerprint.of(TestPki.certificate(pki.caP12, "ca")), TestPki.ISSUED_SUBJECT), "validate,sign:exit"));
    BlsSecretKey otherKey = BlsSecretKey.fromBytes(Hex.decode(OTHER_SECRET));
    otherOperatorsKey = otherKey.publicKey().toHex();
    store.assignKey(otherKey.publicKey(), OperatorId.of("other"));
    node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET)), otherKey));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    System.setErr(originalErr);
    String logs = capturedErr.toString(StandardCharsets.UTF_8);
    String everything = logs + String.join("\n", bodies);
    assertFalse(everything.contains(token), "token leaked");
    assertFalse(everything.contains(basicSecret), "basic password leaked");
    assertFalse(everything.contains(SigningApiTest.SECRET.substring(2)), "key material leaked");
    assertFalse(everything.contains(OTHER_SECRET.substring(2)), "key material leaked");
  }

  private static HttpResponse<String> sign(SSLContext tls, String authorization, String pubkey, String body) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.port() + "/api/v1/eth2/sign/" + pubkey))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    bodies.add(response.body());
    return response;
  }

  private static final java.util.concurrent.atomic.AtomicLong nextTarget = new java.util.concurrent.atomic.AtomicLong(10);

  /** A fresh duty each time: targets only move up, whatever order the tests run in. */
  private static String attestation() {
    long target = nextTarget.incrementAndGet();
    return SigningApiTest.attestation(target - 1, target, "0x" + "00".repeat(32));
  }

  private static String exit() {
    return """
        {"type":"VOLUNTARY_EXIT","fork_info":{"fork":{"previous_version":"0x00000000","current_version":"0x00000000","epoch":"0"},
         "genesis_validators_root":"%s"},"voluntary_exit":{"epoch":"5","validator_index":"9"}}
        """.formatted(SigningApiTest.GVR);
  }

  @Test
  void bearerTokenSignsAnAttestationButNotAnExit() throws Exception {
    SSLContext tls = pki.clientContext(null);
    HttpResponse<String> signed = sign(tls, "Bearer " + token, SigningApiTest.PUBKEY, attestation());
    assertEquals(200, signed.statusCode(), signed.body());
    HttpResponse<String> exit = sign(tls, "Bearer " + token, SigningApiTest.PUBKEY, exit());
    assertEquals(403, exit.statusCode(), exit.body());
    assertTrue(exit.body().contains("sign:exit"), exit.body());
  }

  @Test
  void basicCredentialsAsLighthouseAndTekuSendThem() throws Exception {
    String basic = "Basic " + Base64.getEncoder().encodeToString(("vc-basic:" + basicSecret).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> signed = sign(pki.clientContext(null), basic, SigningApiTest.PUBKEY, attestation());
    assertEquals(200, signed.statusCode(), signed.body());
    String wrong = "Basic " + Base64.getEncoder().encodeToString("vc-basic:pal_wrong".getBytes(StandardCharsets.UTF_8));
    assertEquals(401, sign(pki.clientContext(null), wrong, SigningApiTest.PUBKEY, attestation()).statusCode());
  }

  @Test
  void pinnedSelfSignedClientCertificateSigns() throws Exception {
    HttpResponse<String> signed = sign(pki.clientContext(pki.selfSignedClientP12), null, SigningApiTest.PUBKEY, attestation());
    assertEquals(200, signed.statusCode(), signed.body());
  }

  @Test
  void certificateIssuedByTheClientCaSignsEvenAnExitWithThatScope() throws Exception {
    HttpResponse<String> signed = sign(pki.clientContext(pki.issuedClientP12), null, SigningApiTest.PUBKEY, exit());
    assertEquals(200, signed.statusCode(), signed.body());
  }

  @Test
  void noCredentialsIs401AndAWrongTokenToo() throws Exception {
    HttpResponse<String> none = sign(pki.clientContext(null), null, SigningApiTest.PUBKEY, attestation());
    assertEquals(401, none.statusCode(), none.body());
    HttpResponse<String> wrong = sign(pki.clientContext(null), "Bearer pal_not-a-real-token", SigningApiTest.PUBKEY, attestation());
    assertEquals(401, wrong.statusCode(), wrong.body());
    assertEquals(none.body(), wrong.body(), "no hint about what was wrong");
  }

  @Test
  void anotherOperatorsKeyAnswersExactlyLikeAnUnknownKey() throws Exception {
    HttpResponse<String> other = sign(pki.clientContext(null), "Bearer " + token, otherOperatorsKey, attestation());
    assertEquals(404, other.statusCode(), other.body());
    String unknown = "0x" + "a".repeat(96);
    HttpResponse<String> missing = sign(pki.clientContext(null), "Bearer " + token, unknown, attestation());
    assertEquals(404, missing.statusCode());
    assertEquals(missing.body().replace(unknown, "K"), other.body().replace(otherOperatorsKey, "K"));
    HttpClient client = HttpClient.newBuilder().sslContext(pki.clientContext(null)).build();
    HttpResponse<String> keys = client.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.port() + "/api/v1/eth2/publicKeys"))
            .header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals("[\"" + SigningApiTest.PUBKEY + "\"]", keys.body(), "only the caller's operator's keys");
  }

  @Test
  void networkIdentityForClientsThatSendNothing() throws Exception {
    IdentityStore store = node.access().store();
    store.createOperator(OperatorId.of("net-op"));
    BlsSecretKey netKey = BlsSecretKey.fromBytes(Hex.decode("0x" + "00".repeat(31) + "3b"));
    store.assignKey(netKey.publicKey(), OperatorId.of("net-op"));
    node.vault().add(netKey);
    store.createIdentity(new NewIdentity(dev.palisade.auth.IdentityId.of("nimbus-host"), OperatorId.of("net-op"),
        new Credential.NetworkAddress(List.of(Cidr.parse("127.0.0.0/8"))), dev.palisade.auth.Scopes.parse("validate"), Optional.empty()));
    store.refreshNow();
    HttpResponse<String> signed = sign(pki.clientContext(null), null, netKey.publicKey().toHex(), attestation());
    assertEquals(200, signed.statusCode(), signed.body());
  }

  @Test
  void refusalsAndSignaturesAreAudited() throws Exception {
    sign(pki.clientContext(null), "Bearer " + token, SigningApiTest.PUBKEY, exit());
    long deadline = System.currentTimeMillis() + 10_000;
    boolean found = false;
    while (!found && System.currentTimeMillis() < deadline) {
      for (AuditRecord record : node.auditLog().tail(200)) {
        if (record.entry().decision() == AuditDecision.REFUSED
            && "vc-token".equals(record.entry().identity())
            && "VOLUNTARY_EXIT".equals(record.entry().signingType())
            && record.entry().reason().contains("sign:exit")) {
          found = true;
        }
      }
      Thread.sleep(50);
    }
    assertTrue(found, "the scope refusal is in the audit log");
    assertTrue(node.auditLog().verify().isIntact(), "the chain verifies");
  }

  /** Copies System.err to the capture while still printing it. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream first;
    private final java.io.OutputStream second;

    TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public synchronized void write(int b) throws java.io.IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }
  }
}
