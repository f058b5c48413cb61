package dev.palisade.auth;

/** What {@link Authorizer} decided for one identity, operation and (optionally) key. */
public sealed interface AccessDecision {

  /** Go ahead. */
  record Allowed() implements AccessDecision {}

  /** The identity lacks {@code missing} (HTTP 403, naming the scope). */
  record Forbidden(Scope missing) implements AccessDecision {
    public String message() {
      return "missing scope " + missing.wireName();
    }
  }

  /**
   * The key belongs to another operator, to no operator, or is outside the identity's key list. The
   * HTTP layer must answer exactly as for a key that does not exist (404), so keys of other
   * operators cannot be discovered.
   */
  record NotVisible() implements AccessDecision {}

  AccessDecision ALLOWED = new Allowed();
  AccessDecision NOT_VISIBLE = new NotVisible();

  default boolean isAllowed() {
    return this instanceof Allowed;
  }
}
