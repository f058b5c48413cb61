package dev.palisade.vault.kek;

/**
 * A key-wrapping key could not be created, unlocked or used. Messages name the problem, never a
 * passphrase, PIN or key byte, so they are safe to log and show.
 */
public final class KekException extends Exception {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    /** The passphrase does not open the sealed KEK file (or the file was altered). */
    WRONG_PASSPHRASE,
    /** The HSM refused the PIN. */
    WRONG_PIN,
    /** The HSM library, token or KMS endpoint cannot be reached or loaded. */
    UNAVAILABLE,
    /** No KEK exists where one was expected (file, token label, KMS key). */
    NOT_FOUND,
    /** A KEK already exists where a new one was to be created. */
    ALREADY_EXISTS,
    /** The KEK's store is malformed or holds a key we refuse to use (e.g. an extractable key). */
    INVALID,
    /** The KMS denied the operation. */
    ACCESS_DENIED,
    /** A wrapped data key does not open under this KEK for this binding (moved or tampered). */
    UNWRAP_FAILED
  }

  private final Kind kind;

  public KekException(Kind kind, String message) {
    this(kind, message, null);
  }

  public KekException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
