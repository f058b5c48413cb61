package dev.palisade.auth;

import dev.palisade.store.Dialect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** mTLS identities: pinned by fingerprint, or by CA fingerprint plus subject. */
class CertificateAuthenticationTest {
  private IdentityStore store;
  private TestCerts.Issued ca;
  private TestCerts.Issued pinned;

  @BeforeEach
  void setUp() {
    store = IdentityStore.open(TestDatabases.sqlite(), Dialect.SQLITE);
    store.createOperator(OperatorId.of("op-a"));
    ca = TestCerts.selfSigned("CN=Palisade Test CA,O=Example");
    pinned = TestCerts.selfSigned("CN=lighthouse-pinned");
    store.createIdentity(NewIdentity.of("lh-pinned", "op-a",
        new Credential.CertFingerprint(Fingerprint.of(pinned.certificate())), "validate"));
    // spaced and cased differently from the certificate: DNs compare in canonical form
    store.createIdentity(NewIdentity.of("teku-ca", "op-a",
        new Credential.CertIssuedBy(Fingerprint.of(ca.certificate()), "cn=teku-7, o=Example"),
        "validate"));
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private AuthResult present(Authenticator authenticator, X509Certificate... chain) {
    return authenticator.authenticate(PresentedCredentials.of(chain, null, null));
  }

  private static String identityOf(AuthResult r) {
    return assertInstanceOf(AuthResult.Authenticated.class, r).identity().id().value();
  }

  @Test
  void pinnedFingerprintGood() {
    assertEquals("lh-pinned", identityOf(present(new Authenticator(store), pinned.certificate())));
  }

  @Test
  void sameSubjectDifferentKeyIsNotThePinnedCertificate() {
    TestCerts.Issued lookalike = TestCerts.selfSigned("CN=lighthouse-pinned");
    assertInstanceOf(AuthResult.Unauthenticated.class,
        present(new Authenticator(store), lookalike.certificate()));
  }

  @Test
  void pinnedRevoked() {
    store.revokeIdentity(IdentityId.of("lh-pinned"));
    assertInstanceOf(AuthResult.Unauthenticated.class,
        present(new Authenticator(store), pinned.certificate()));
  }

  @Test
  void caAndSubjectWithCaInTheChain() {
    TestCerts.Issued leaf = TestCerts.issuedBy(ca, "CN=teku-7,O=Example");
    assertEquals("teku-ca",
        identityOf(present(new Authenticator(store), leaf.certificate(), ca.certificate())));
  }

  @Test
  void caAndSubjectWithCaKnownToTheServerOnly() {
    TestCerts.Issued leaf = TestCerts.issuedBy(ca, "CN=teku-7,O=Example");
    assertInstanceOf(AuthResult.Unauthenticated.class,
        present(new Authenticator(store), leaf.certificate()), "no CA to check the leaf against");
    assertEquals("teku-ca", identityOf(
        present(new Authenticator(store, List.of(ca.certificate())), leaf.certificate())));
  }

  @Test
  void aForgedLeafCannotBorrowThePublicCaCertificate() {
    String caDn = ca.certificate().getSubjectX500Principal().getName();
    TestCerts.Issued forged = TestCerts.forged("CN=teku-7,O=Example", caDn);
    assertInstanceOf(AuthResult.Unauthenticated.class,
        present(new Authenticator(store), forged.certificate(), ca.certificate()));
  }

  @Test
  void otherSubjectFromTheSameCaIsRefused() {
    TestCerts.Issued leaf = TestCerts.issuedBy(ca, "CN=teku-8,O=Example");
    assertInstanceOf(AuthResult.Unauthenticated.class,
        present(new Authenticator(store), leaf.certificate(), ca.certificate()));
  }

  @Test
  void sameSubjectFromAnotherCaIsRefused() {
    TestCerts.Issued otherCa = TestCerts.selfSigned("CN=Palisade Test CA,O=Example");
    TestCerts.Issued leaf = TestCerts.issuedBy(otherCa, "CN=teku-7,O=Example");
    assertInstanceOf(AuthResult.Unauthenticated.class,
        present(new Authenticator(store), leaf.certificate(), otherCa.certificate()));
  }

  @Test
  void expiredLeafIsRefused() {
    Instant past = Instant.now().minus(Duration.ofDays(10));
    TestCerts.Issued expired =
        TestCerts.issuedBy(ca, "CN=teku-7,O=Example", past, past.plus(Duration.ofDays(1)));
    assertEquals(new AuthResult.Unauthenticated("client certificate expired or not yet valid"),
        present(new Authenticator(store), expired.certificate(), ca.certificate()));
  }

  @Test
  void fingerprintParsesToolOutputForms() {
    Fingerprint f = Fingerprint.of(pinned.certificate());
    String colons = f.hex().toUpperCase().replaceAll("(..)(?!$)", "$1:");
    assertEquals(f, Fingerprint.parse(colons));
    assertEquals(f, Fingerprint.parse("sha256 Fingerprint=" + colons));
    assertEquals(f, Fingerprint.parse("sha256:" + f.hex()));
    assertThrows(IllegalArgumentException.class, () -> Fingerprint.parse(f.hex().substring(2)));
  }

  @Test
  void aCertificateCanBelongToOnlyOneActiveIdentity() {
    var again = NewIdentity.of("lh-again", "op-a",
        new Credential.CertFingerprint(Fingerprint.of(pinned.certificate())), "validate");
    assertThrows(AuthConflictException.class, () -> store.createIdentity(again));
    store.revokeIdentity(IdentityId.of("lh-pinned"));
    store.createIdentity(again); // re-issue after revocation is fine
    assertEquals("lh-again", identityOf(present(new Authenticator(store), pinned.certificate())));
  }

  @Test
  void invalidSubjectDnIsRefusedAtCreation() {
    assertThrows(IllegalArgumentException.class,
        () -> new Credential.CertIssuedBy(Fingerprint.of(ca.certificate()), "not a dn"));
  }
}
