package dev.palisade.auth;

import dev.palisade.store.Dialect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Authentication of token, basic and network identities, and the precedence between credentials. */
class AuthenticatorTest {
  private IdentityStore store;
  private Authenticator authenticator;
  private String token;
  private String basicSecret;

  @BeforeEach
  void setUp() {
    store = IdentityStore.open(TestDatabases.sqlite(), Dialect.SQLITE);
    authenticator = new Authenticator(store);
    store.createOperator(OperatorId.of("op-a"));
    store.createOperator(OperatorId.of("op-b"));
    token = store.createIdentity(NewIdentity.of("ci-bot", "op-a", new Credential.BearerToken(),
        "keys:read")).secret().orElseThrow().reveal();
    basicSecret = store.createIdentity(NewIdentity.of("teku-1", "op-a", new Credential.BasicSecret(),
        "validate")).secret().orElseThrow().reveal();
    store.createIdentity(NewIdentity.of("nimbus-lan", "op-b",
        new Credential.NetworkAddress(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"))),
        "validate"));
    store.createIdentity(NewIdentity.of("nimbus-host", "op-a",
        new Credential.NetworkAddress(List.of(Cidr.parse("10.1.2.3"))), "validate"));
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private AuthResult auth(String header, String ip) {
    return authenticator.authenticate(PresentedCredentials.of(null, header, ip));
  }

  private static String basic(String user, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  private static String identityOf(AuthResult result) {
    return assertInstanceOf(AuthResult.Authenticated.class, result).identity().id().value();
  }

  private static void assertRefused(AuthResult result, String... secretsNotToMention) {
    AuthResult.Unauthenticated refused = assertInstanceOf(AuthResult.Unauthenticated.class, result);
    for (String s : secretsNotToMention) {
      assertFalse(refused.toString().contains(s), "refusal must not echo the secret");
    }
  }

  @Test
  void secretsAre256BitBase64UrlTokensAndUnique() {
    assertTrue(token.startsWith("pal_"));
    byte[] raw = Base64.getUrlDecoder().decode(token.substring(4));
    assertEquals(32, raw.length);
    assertTrue(token.substring(4).matches("[A-Za-z0-9_-]{43}"), "URL-safe for name:secret@host");
    assertNotEquals(token, basicSecret);
  }

  // ------------------------------------------------------------------ bearer

  @Test
  void bearerGood() {
    assertEquals("ci-bot", identityOf(auth("Bearer " + token, "192.0.2.1")));
    assertEquals("ci-bot", identityOf(auth("bearer   " + token + "  ", null)), "scheme is case-insensitive");
  }

  @Test
  void bearerWrongSecret() {
    String wrong = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
    assertRefused(auth("Bearer " + wrong, null), wrong, token);
    assertRefused(auth("Bearer " + token + "x", null));
    assertRefused(auth("Bearer " + token.substring(4), null), "the prefix is part of the secret");
  }

  @Test
  void bearerUnknown() {
    String unknown = Secrets.generate().reveal();
    assertRefused(auth("Bearer " + unknown, null), unknown);
  }

  @Test
  void bearerRevoked() {
    assertTrue(store.revokeIdentity(IdentityId.of("ci-bot")));
    assertRefused(auth("Bearer " + token, null), token);
    assertFalse(store.revokeIdentity(IdentityId.of("ci-bot")), "already revoked");
  }

  @Test
  void aTokenIsNotABasicPasswordAndViceVersa() {
    assertRefused(auth(basic("ci-bot", token), null));
    assertRefused(auth("Bearer " + basicSecret, null));
  }

  // ------------------------------------------------------------------ basic

  @Test
  void basicGood() {
    assertEquals("teku-1", identityOf(auth(basic("teku-1", basicSecret), null)));
  }

  @Test
  void basicWrongSecretAndWrongUserLookTheSame() {
    AuthResult wrongSecret = auth(basic("teku-1", basicSecret + "x"), null);
    AuthResult wrongUser = auth(basic("teku-2", basicSecret), null);
    assertRefused(wrongSecret, basicSecret);
    assertRefused(wrongUser, basicSecret);
    assertEquals(wrongSecret, wrongUser, "the refusal must not say which half was wrong");
  }

  @Test
  void basicRevoked() {
    store.revokeIdentity(IdentityId.of("teku-1"));
    assertRefused(auth(basic("teku-1", basicSecret), null), basicSecret);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Basic", "Basic !!!not-base64!!!", "Basic dGVrdS0x", "Digest abc",
      "Bearer", "Token abc", "   "})
  void malformedAuthorizationHeadersAreRefused(String header) {
    AuthResult r = auth(header, "10.1.2.3");
    if (header.isBlank()) {
      // a blank header is no header: the network identity applies
      assertEquals("nimbus-host", identityOf(r));
    } else {
      assertRefused(r);
    }
  }

  // ------------------------------------------------------------------ network

  @Test
  void networkGoodAndLongestPrefixWins() {
    assertEquals("nimbus-lan", identityOf(auth(null, "10.200.0.5")));
    assertEquals("nimbus-host", identityOf(auth(null, "10.1.2.3")));
    assertEquals("nimbus-host", identityOf(auth(null, "::ffff:10.1.2.3")));
    assertEquals("nimbus-lan", identityOf(auth(null, "fd12::9")));
  }

  @Test
  void networkOutsideIsNoCredentials() {
    AuthResult r = auth(null, "192.0.2.1");
    assertEquals(new AuthResult.Unauthenticated("no credentials"), r);
    assertRefused(auth(null, "fe80::1"));
    assertRefused(auth(null, "not-an-ip"));
    assertRefused(auth(null, null));
  }

  @Test
  void networkRevokedFallsBackToTheWiderNetworkOnlyIfItExists() {
    store.revokeIdentity(IdentityId.of("nimbus-host"));
    assertEquals("nimbus-lan", identityOf(auth(null, "10.1.2.3")));
    store.revokeIdentity(IdentityId.of("nimbus-lan"));
    assertRefused(auth(null, "10.1.2.3"));
  }

  @Test
  void identicalNetworksCannotBeClaimedTwice() {
    var dup = NewIdentity.of("other", "op-a",
        new Credential.NetworkAddress(List.of(Cidr.parse("10.0.0.0/8"))), "validate");
    org.junit.jupiter.api.Assertions.assertThrows(AuthConflictException.class,
        () -> store.createIdentity(dup));
  }

  // ------------------------------------------------------------------ precedence

  @Test
  void noCredentialsAtAll() {
    assertEquals(new AuthResult.Unauthenticated("no credentials"),
        authenticator.authenticate(PresentedCredentials.of(null, null, null)));
  }

  @Test
  void aFailedHeaderIsNotRescuedByTheNetwork() {
    assertRefused(auth("Bearer " + token + "x", "10.1.2.3"));
    store.revokeIdentity(IdentityId.of("ci-bot"));
    assertRefused(auth("Bearer " + token, "10.1.2.3"));
  }

  @Test
  void aValidHeaderBeatsTheNetwork() {
    assertEquals("teku-1", identityOf(auth(basic("teku-1", basicSecret), "10.200.0.1")));
  }

  @Test
  void aCertificateBeatsTheHeaderAndAFailedOneIsNotRescued() {
    TestCerts.Issued pinned = TestCerts.selfSigned("CN=lighthouse-1");
    store.createIdentity(NewIdentity.of("lighthouse-1", "op-b",
        new Credential.CertFingerprint(Fingerprint.of(pinned.certificate())), "validate"));
    X509Certificate[] chain = {pinned.certificate()};
    assertEquals("lighthouse-1", identityOf(authenticator.authenticate(
        PresentedCredentials.of(chain, "Bearer " + token, "10.1.2.3"))));

    X509Certificate[] unknown = {TestCerts.selfSigned("CN=stranger").certificate()};
    assertRefused(authenticator.authenticate(
        PresentedCredentials.of(unknown, "Bearer " + token, "10.1.2.3")));
  }

  @Test
  void presentedCredentialsNeverPrintTheHeader() {
    PresentedCredentials p = PresentedCredentials.of(null, "Bearer " + token, "10.0.0.1");
    assertFalse(p.toString().contains(token));
    assertTrue(p.toString().contains("authorization=present"));
  }
}
