package dev.palisade.auth;

/** What {@link Authenticator#authenticate} concluded. */
public sealed interface AuthResult {

  /** The caller is this identity. */
  record Authenticated(Identity identity) implements AuthResult {}

  /**
   * No usable credentials (HTTP 401). The client is told only {@link #PUBLIC_MESSAGE}; {@code
   * auditReason} says what kind of credential failed, for the audit log and operator logs. It never
   * contains a presented secret, and never says whether a user name or a secret was wrong.
   */
  record Unauthenticated(String auditReason) implements AuthResult {
    public static final String PUBLIC_MESSAGE = "unauthenticated";
  }

  /**
   * The identity store has not been confirmed fresh recently enough to honour revocations (HTTP
   * 503). Authentication fails closed rather than trust a view that may miss a revocation.
   */
  record Unavailable(String auditReason) implements AuthResult {}
}
