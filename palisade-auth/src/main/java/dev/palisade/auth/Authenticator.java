package dev.palisade.auth;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the credentials a request presents into an identity, or a refusal.
 *
 * <p><b>Precedence.</b> The strongest credential presented decides, and a failed one is never rescued
 * by a weaker one: (1) a TLS client certificate; else (2) an {@code Authorization} header, Bearer or
 * Basic; else (3) the source address against network identities (longest prefix wins). So a revoked
 * token sent from an allowlisted address is refused, not quietly accepted as the network identity.
 *
 * <p><b>Certificates.</b> The leaf (first in the chain) must be within its validity period. It
 * matches a {@code cert} identity by its SHA-256 fingerprint, else by its subject together with a CA
 * that directly issued it: that CA is found by fingerprint among the certificates the client sent or
 * the CA certificates given to this authenticator, and the leaf's signature is verified against it
 * here, so a client cannot borrow a public CA certificate to vouch for a self-made leaf even if the
 * TLS layer accepted any certificate (as it must for fingerprint-pinned self-signed ones). The TLS
 * handshake itself proves the client holds the leaf's private key.
 *
 * <p><b>Refusals</b> say only "unauthenticated" to the client; {@link AuthResult.Unauthenticated#auditReason()}
 * names the kind of credential that failed, never the secret, nor whether the name or the secret
 * was wrong.
 */
public final class Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  // Compared against when a basic user name is unknown, so that case costs the same as a wrong secret.
  private static final byte[] DUMMY_HASH = Secrets.hash("palisade-dummy");

  private final IdentityStore store;
  private final List<X509Certificate> knownCaCertificates;

  public Authenticator(IdentityStore store) {
    this(store, List.of());
  }

  /**
   * @param knownCaCertificates CA certificates for {@code cert} identities matched by CA and subject,
   *     for clients that send only their leaf certificate (typically the server's client-CA bundle)
   */
  public Authenticator(IdentityStore store, Collection<X509Certificate> knownCaCertificates) {
    this.store = store;
    this.knownCaCertificates = List.copyOf(knownCaCertificates);
  }

  public AuthResult authenticate(PresentedCredentials presented) {
    AuthSnapshot snapshot;
    try {
      snapshot = store.freshSnapshot();
    } catch (AuthStoreUnavailableException e) {
      return new AuthResult.Unavailable("identity store unavailable");
    }
    if (presented.hasCertificate()) {
      return byCertificate(snapshot, presented.peerCertificates());
    }
    if (presented.authorization().isPresent()) {
      return byAuthorizationHeader(snapshot, presented.authorization().get());
    }
    if (presented.remoteAddress().isPresent()) {
      return byNetwork(snapshot, presented.remoteAddress().get());
    }
    return unauthenticated("no credentials");
  }

  private AuthResult byCertificate(AuthSnapshot snapshot, X509Certificate[] chain) {
    X509Certificate leaf = chain[0];
    Date now = Date.from(store.options().clock().instant());
    if (!isValidAt(leaf, now)) {
      return unauthenticated("client certificate expired or not yet valid");
    }
    Optional<Identity> pinned = snapshot.byCertFingerprint(Fingerprint.of(leaf));
    if (pinned.isPresent()) {
      return new AuthResult.Authenticated(pinned.get());
    }
    String subject = leaf.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.CANONICAL);
    for (AuthSnapshot.CaEntry candidate : snapshot.bySubject(subject)) {
      Optional<X509Certificate> ca = findCa(candidate.caFingerprint(), chain);
      if (ca.isPresent() && issuedBy(leaf, ca.get(), now)) {
        return new AuthResult.Authenticated(candidate.identity());
      }
    }
    return unauthenticated("client certificate not recognised");
  }

  private Optional<X509Certificate> findCa(Fingerprint fingerprint, X509Certificate[] chain) {
    List<X509Certificate> candidates = new ArrayList<>(List.of(chain).subList(1, chain.length));
    candidates.addAll(knownCaCertificates);
    return candidates.stream().filter(c -> Fingerprint.of(c).equals(fingerprint)).findFirst();
  }

  private static boolean issuedBy(X509Certificate leaf, X509Certificate ca, Date now) {
    if (!leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal()) || !isValidAt(ca, now)) {
      return false;
    }
    try {
      leaf.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean isValidAt(X509Certificate certificate, Date now) {
    try {
      certificate.checkValidity(now);
      return true;
    } catch (java.security.cert.CertificateException e) {
      return false;
    }
  }

  private AuthResult byAuthorizationHeader(AuthSnapshot snapshot, String header) {
    String value = header.trim();
    int space = value.indexOf(' ');
    if (space < 0) {
      return unauthenticated("malformed Authorization header");
    }
    String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
    String parameter = value.substring(space + 1).trim();
    return switch (scheme) {
      case "bearer" -> byBearer(snapshot, parameter);
      case "basic" -> byBasic(snapshot, parameter);
      default -> unauthenticated("unsupported Authorization scheme");
    };
  }

  private AuthResult byBearer(AuthSnapshot snapshot, String token) {
    byte[] presented = Secrets.hash(token);
    // The map lookup is keyed by the hash, whose timing tells an attacker nothing about the secret.
    Optional<AuthSnapshot.SecretEntry> entry =
        snapshot.tokenByHashHex(HexFormat.of().formatHex(presented));
    if (entry.isPresent() && Secrets.matches(presented, entry.get().hash())) {
      return new AuthResult.Authenticated(entry.get().identity());
    }
    return unauthenticated("bearer token not recognised");
  }

  private AuthResult byBasic(AuthSnapshot snapshot, String encoded) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return unauthenticated("malformed basic credentials");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return unauthenticated("malformed basic credentials");
    }
    byte[] presented = Secrets.hash(decoded.substring(colon + 1));
    Optional<AuthSnapshot.SecretEntry> entry = basicEntry(snapshot, decoded.substring(0, colon));
    boolean matches = Secrets.matches(presented, entry.map(AuthSnapshot.SecretEntry::hash).orElse(DUMMY_HASH));
    if (entry.isPresent() && matches) {
      return new AuthResult.Authenticated(entry.get().identity());
    }
    return unauthenticated("basic credentials not recognised");
  }

  private static Optional<AuthSnapshot.SecretEntry> basicEntry(AuthSnapshot snapshot, String user) {
    try {
      return snapshot.basicByName(IdentityId.of(user));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private AuthResult byNetwork(AuthSnapshot snapshot, InetAddress address) {
    byte[] normalized = IpAddresses.of(address);
    AuthSnapshot.NetworkEntry best = null;
    boolean tie = false;
    for (AuthSnapshot.NetworkEntry entry : snapshot.networks()) {
      if (!entry.network().contains(normalized)) {
        continue;
      }
      if (best == null || entry.network().prefixLength() > best.network().prefixLength()) {
        best = entry;
        tie = false;
      } else if (entry.network().prefixLength() == best.network().prefixLength()
          && !entry.identity().id().equals(best.identity().id())) {
        tie = true;
      }
    }
    if (best == null) {
      return unauthenticated("no credentials");
    }
    if (tie) {
      // Creation refuses identical networks; two instances racing could still create them.
      LOG.warn("address {} matches several network identities; refusing", address.getHostAddress());
      return unauthenticated("address matches several network identities");
    }
    return new AuthResult.Authenticated(best.identity());
  }

  private static AuthResult unauthenticated(String auditReason) {
    return new AuthResult.Unauthenticated(auditReason);
  }
}
