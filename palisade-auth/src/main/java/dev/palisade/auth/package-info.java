/**
 * Who may call Palisade and what they may do: the transport-independent core of authentication,
 * authorization and auditing. The HTTP layer builds a {@link dev.palisade.auth.PresentedCredentials}
 * per request and maps the typed results to statuses in one place:
 *
 * <ul>
 *   <li>{@link dev.palisade.auth.Authenticator#authenticate}: {@code Authenticated} → continue;
 *       {@code Unauthenticated} → 401 with body "unauthenticated" only; {@code Unavailable} → 503.
 *   <li>{@link dev.palisade.auth.Authorizer}: {@code Allowed} → continue; {@code Forbidden} → 403
 *       naming the missing scope; {@code NotVisible} → the same 404 as an unknown key.
 *   <li>{@link dev.palisade.auth.AuditLog}: every signature and refusal, hash-chained.
 * </ul>
 *
 * <p>State lives in the {@link dev.palisade.auth.IdentityStore} (SQLite or PostgreSQL, own Flyway
 * history table {@code flyway_history_auth}), which keeps an in-memory view refreshed every 250 ms
 * so the request path never waits on the database and revocations apply everywhere within a second.
 * Token and basic secrets are generated 256-bit values stored only as SHA-256 hashes.
 */
package dev.palisade.auth;
