package dev.palisade.server.http;

/**
 * Why an API request (signing, Keymanager, admin, EVM) got no answer but an error. Each kind maps to one HTTP status in {@code
 * dev.palisade.server.http.ErrorResponses}; messages are safe to show a client (no secrets, no
 * stack traces).
 */
public abstract sealed class ApiException extends RuntimeException {
  protected ApiException(String message) {
    super(message, null, false, false);
  }

  /** The request is malformed; {@code field} names the offending JSON field when known. */
  public static final class BadRequest extends ApiException {
    private final String field;

    public BadRequest(String field, String message) {
      super(message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  /** No key with this identifier is loaded. */
  public static final class UnknownKey extends ApiException {
    public UnknownKey(String identifier) {
      super("no key loaded for identifier " + identifier);
    }
  }

  /** No usable credentials (401). The message never says which part of a credential was wrong. */
  public static final class Unauthenticated extends ApiException {
    private final String auditReason;

    /** {@code auditReason} is for the audit log only: the client sees just "unauthenticated". */
    public Unauthenticated(String auditReason) {
      super("unauthenticated");
      this.auditReason = auditReason;
    }

    public String auditReason() {
      return auditReason;
    }
  }

  /** The caller is known but lacks the scope (403); the message names the missing scope. */
  public static final class Forbidden extends ApiException {
    public Forbidden(String message) {
      super(message);
    }
  }

  /** A named resource (not a key) does not exist (404). */
  public static final class NotFound extends ApiException {
    public NotFound(String message) {
      super(message);
    }
  }

  /** The request conflicts with existing state (409), e.g. a name already taken. */
  public static final class Conflict extends ApiException {
    public Conflict(String message) {
      super(message);
    }
  }

  /** A policy refused to sign. */
  public static final class Refused extends ApiException {
    private final String rule;

    public Refused(String rule, String message) {
      super(message);
      this.rule = rule;
    }

    public String rule() {
      return rule;
    }
  }

  /** A policy holds the request until other identities approve it (412, rule {@code approval_required}). */
  public static final class ApprovalRequired extends ApiException {
    private final String approvalId;

    public ApprovalRequired(String approvalId, String message) {
      super(message);
      this.approvalId = approvalId;
    }

    public String approvalId() {
      return approvalId;
    }
  }

  /** The caller spent its budget of attempts (429), e.g. wrong TOTP codes; try again later. */
  public static final class TooManyRequests extends ApiException {
    public TooManyRequests(String message) {
      super(message);
    }
  }

  /** A store the request needs is unavailable, or the signer is not ready; try again later. */
  public static final class Unavailable extends ApiException {
    /** What a caller refused for want of a thread (the bounded pool is full) is told. */
    public static final String OVERLOADED = "signer is overloaded; try again";

    public Unavailable(String message) {
      super(message);
    }
  }
}
