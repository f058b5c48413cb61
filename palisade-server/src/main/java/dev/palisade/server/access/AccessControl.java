package dev.palisade.server.access;

import dev.palisade.auth.AuthResult;
import dev.palisade.auth.Authenticator;
import dev.palisade.auth.Authorizer;
import dev.palisade.auth.Cidr;
import dev.palisade.auth.Credential;
import dev.palisade.auth.Fingerprint;
import dev.palisade.auth.IdentityType;
import dev.palisade.auth.Identity;
import dev.palisade.auth.IdentityId;
import dev.palisade.auth.IdentityStore;
import dev.palisade.auth.NewIdentity;
import dev.palisade.auth.OperatorId;
import dev.palisade.auth.PresentedCredentials;
import dev.palisade.auth.Scopes;
import dev.palisade.server.http.ApiException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may do what: authentication of each request and the operator that owns each loaded key.
 * A fresh database gets one operator and one loopback identity, so a signer started on its
 * defaults serves a validator client on the same host and nothing else.
 */
public final class AccessControl {
  private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);

  public static final OperatorId DEFAULT_OPERATOR = OperatorId.of("default");
  public static final IdentityId LOOPBACK_IDENTITY = IdentityId.of("loopback");
  /**
   * Routine duties and listing keys: what a validator client on the same host needs. Never exits
   * or deposits: any local process (a sidecar, a reverse proxy, another user) can use this identity.
   */
  public static final String LOOPBACK_SCOPES = "validate,keys:read";
  public static final String EXIT_IDENTITY_HINT =
      "for voluntary exits and deposits create an identity that must present a credential, e.g."
          + " `palisade identity create --name exits --type token --operator default --scopes sign:exit`";

  private final IdentityStore store;
  private final Authenticator authenticator;
  private final Authorizer authorizer;

  public AccessControl(IdentityStore store, Collection<X509Certificate> knownClientCas) {
    this.store = store;
    this.authenticator = new Authenticator(store, knownClientCas);
    this.authorizer = new Authorizer(store);
  }

  public Authorizer authorizer() {
    return authorizer;
  }

  public IdentityStore store() {
    return store;
  }

  /**
   * The credential of a new identity from its non-secret parts: certificate by fingerprint, or by
   * issuing CA fingerprint and subject; token and basic get their secret from the store; network
   * needs addresses.
   */
  public static Credential credential(
      IdentityType type, String certFingerprint, String caFingerprint, String subject, List<String> cidrs) {
    switch (type) {
      case TOKEN:
        return new Credential.BearerToken();
      case BASIC:
        return new Credential.BasicSecret();
      case NETWORK:
        if (cidrs == null || cidrs.isEmpty()) {
          throw new IllegalArgumentException("a network identity needs addresses or CIDRs");
        }
        return new Credential.NetworkAddress(cidrs.stream().map(Cidr::parse).toList());
      case CERT:
      default:
        if (caFingerprint != null || subject != null) {
          if (caFingerprint == null || subject == null) {
            throw new IllegalArgumentException("a CA-issued certificate identity needs both the CA and the subject");
          }
          return new Credential.CertIssuedBy(Fingerprint.parse(caFingerprint), subject);
        }
        if (certFingerprint == null) {
          throw new IllegalArgumentException("a certificate identity needs a fingerprint, or a CA and a subject");
        }
        return new Credential.CertFingerprint(Fingerprint.parse(certFingerprint));
    }
  }

  /**
   * Makes sure the default operator exists (keys loaded at start belong to it, even when another
   * operator was created first with the CLI) and, on a fresh database (no identity ever, no operator
   * but the default one, which `keys import` creates for its keys) and when {@code
   * withLoopbackIdentity}, creates the credential-less loopback identity.
   */
  public Optional<Identity> bootstrapIfEmpty(boolean withLoopbackIdentity) {
    List<dev.palisade.auth.Operator> operators = store.listOperators();
    if (operators.stream().noneMatch(operator -> operator.id().equals(DEFAULT_OPERATOR))) {
      store.createOperator(DEFAULT_OPERATOR);
    }
    boolean fresh = operators.stream().allMatch(operator -> operator.id().equals(DEFAULT_OPERATOR))
        && store.listIdentities().isEmpty();
    if (!fresh) {
      store.findIdentity(LOOPBACK_IDENTITY)
          .filter(identity -> !identity.isRevoked())
          .filter(identity -> identity.scopes().grants(dev.palisade.auth.Scope.SIGN_EXIT)
              || identity.scopes().grants(dev.palisade.auth.Scope.SIGN_DEPOSIT))
          .ifPresent(identity -> LOG.warn(
              "identity '{}' (no credential, any local process) may sign exits or deposits: revoke it and {}",
              LOOPBACK_IDENTITY, EXIT_IDENTITY_HINT));
      return Optional.empty();
    }
    if (!withLoopbackIdentity) {
      LOG.info("created operator '{}'; no credential-less loopback identity (TLS is on, the listener is not"
          + " loopback-only, or it was turned off): create identities with `palisade identity create`",
          DEFAULT_OPERATOR);
      return Optional.empty();
    }
    Credential loopback =
        new Credential.NetworkAddress(List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("::1/128")));
    Identity identity =
        store
            .createIdentity(
                new NewIdentity(
                    LOOPBACK_IDENTITY, DEFAULT_OPERATOR, loopback, Scopes.parse(LOOPBACK_SCOPES), Optional.empty()))
            .identity();
    LOG.info(
        "created operator '{}' and identity '{}' (network 127.0.0.1/32, ::1/128; scopes {}); {}",
        DEFAULT_OPERATOR, LOOPBACK_IDENTITY, LOOPBACK_SCOPES, EXIT_IDENTITY_HINT);
    return Optional.of(identity);
  }

  /**
   * @throws ApiException.Unauthenticated without usable credentials
   * @throws ApiException.Unavailable when revocations cannot be confirmed fresh
   */
  public Identity authenticate(PresentedCredentials presented) {
    AuthResult result = authenticator.authenticate(presented);
    if (result instanceof AuthResult.Authenticated authenticated) {
      return authenticated.identity();
    }
    if (result instanceof AuthResult.Unavailable) {
      throw new ApiException.Unavailable("identity store is unavailable; refusing requests");
    }
    throw new ApiException.Unauthenticated(((AuthResult.Unauthenticated) result).auditReason());
  }
}
