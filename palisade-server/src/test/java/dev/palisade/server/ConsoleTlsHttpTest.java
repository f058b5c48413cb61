package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.Credential;
import dev.palisade.auth.Fingerprint;
import dev.palisade.auth.NewIdentity;
import dev.palisade.eth2.Networks;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console over HTTPS: login with the browser's client certificate; the session cookie is Secure. */
class ConsoleTlsHttpTest {
  @TempDir Path temp;

  @Test
  void aClientCertificateLogsInAndTheCookieIsSecure() throws Exception {
    TestPki pki = new TestPki(temp);
    ServerConfig server = new ServerConfig("127.0.0.1", 0, 64 * 1024, 4)
        .withTls(TlsConfig.pkcs12(pki.serverP12, pki.serverPasswordFile));
    NodeConfig config = new NodeConfig(server, Networks.named("mainnet"), temp.resolve("data"),
        NodeConfig.SlashingConfig.embedded(), Optional.empty(), new NodeConfig.AccessConfig(Optional.empty(), false));
    try (PalisadeNode node = PalisadeNode.start(config)) {
      node.access().store().createIdentity(NewIdentity.of("ops-cert", "default",
          new Credential.CertFingerprint(Fingerprint.of(TestPki.certificate(pki.selfSignedClientP12, "client"))),
          "admin"));

      ConsoleHttpSession withCertificate = ConsoleHttpSession.tls(node.port(), pki.clientContext(pki.selfSignedClientP12));
      HttpResponse<String> login = withCertificate.login("");
      assertEquals(303, login.statusCode(), login.body());
      String flags = withCertificate.setCookie.toLowerCase(Locale.ROOT);
      assertTrue(flags.contains("secure") && flags.contains("httponly") && flags.contains("samesite=strict"), flags);
      HttpResponse<String> overview = withCertificate.get("/console/overview");
      assertEquals(200, overview.statusCode());
      assertTrue(overview.body().contains("ops-cert · operator default"), overview.body());
      assertTrue(overview.headers().firstValue("Strict-Transport-Security").isPresent());

      ConsoleHttpSession without = ConsoleHttpSession.tls(node.port(), pki.clientContext(null));
      HttpResponse<String> refused = without.login("");
      assertEquals(401, refused.statusCode(), "no token and no certificate");
      assertNull(without.cookie, "no session");
    }
  }
}
