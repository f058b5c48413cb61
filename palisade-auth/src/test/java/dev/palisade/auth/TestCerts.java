package dev.palisade.auth;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** Certificates made inside the tests (EC P-256, SHA256withECDSA), assembled from BC's ASN.1 types. */
final class TestCerts {
  record Issued(X509Certificate certificate, KeyPair keys) {}

  private static final AtomicLong SERIAL = new AtomicLong(1000);

  private TestCerts() {}

  static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Issued selfSigned(String dn) {
    KeyPair keys = keyPair();
    return new Issued(build(dn, dn, keys, keys, Instant.now().minus(Duration.ofHours(1)),
        Instant.now().plus(Duration.ofDays(1))), keys);
  }

  static Issued issuedBy(Issued ca, String subjectDn) {
    return issuedBy(ca, subjectDn, Instant.now().minus(Duration.ofHours(1)),
        Instant.now().plus(Duration.ofDays(1)));
  }

  static Issued issuedBy(Issued ca, String subjectDn, Instant notBefore, Instant notAfter) {
    KeyPair keys = keyPair();
    String issuerDn = ca.certificate().getSubjectX500Principal().getName();
    return new Issued(build(subjectDn, issuerDn, keys, ca.keys(), notBefore, notAfter), keys);
  }

  /** A certificate that claims {@code issuerDn} as issuer but is signed by {@code signer}. */
  static Issued forged(String subjectDn, String issuerDn) {
    KeyPair keys = keyPair();
    return new Issued(build(subjectDn, issuerDn, keys, keyPair(),
        Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1))), keys);
  }

  // Encode DNs as the JDK does (RFC 2253 strings list the most specific RDN first, the reverse of
  // the ASN.1 order), so a DN written in a test means the same on both sides.
  private static X500Name x500(String dn) {
    return X500Name.getInstance(new javax.security.auth.x500.X500Principal(dn).getEncoded());
  }

  private static X509Certificate build(String subjectDn, String issuerDn, KeyPair subject,
      KeyPair signer, Instant notBefore, Instant notAfter) {
    try {
      AlgorithmIdentifier sigAlg = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
      V3TBSCertificateGenerator gen = new V3TBSCertificateGenerator();
      gen.setSerialNumber(new ASN1Integer(BigInteger.valueOf(SERIAL.incrementAndGet())));
      gen.setIssuer(x500(issuerDn));
      gen.setSubject(x500(subjectDn));
      gen.setStartDate(new Time(Date.from(notBefore)));
      gen.setEndDate(new Time(Date.from(notAfter)));
      gen.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(subject.getPublic().getEncoded()));
      gen.setSignature(sigAlg);
      TBSCertificate tbs = gen.generateTBSCertificate();
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(signer.getPrivate());
      s.update(tbs.getEncoded(ASN1Encoding.DER));
      ASN1EncodableVector v = new ASN1EncodableVector();
      v.add(tbs);
      v.add(sigAlg);
      v.add(new DERBitString(s.sign()));
      byte[] der = new DERSequence(v).getEncoded(ASN1Encoding.DER);
      return (X509Certificate)
          CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
