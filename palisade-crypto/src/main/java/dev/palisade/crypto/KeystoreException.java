package dev.palisade.crypto;

/**
 * A keystore could not be parsed or decrypted. Messages name the problem, never the password or any
 * key material, so they are safe to log and to return to API clients.
 */
public final class KeystoreException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Coarse cause, for mapping to API statuses without parsing messages. */
  public enum Kind {
    /** Not a well-formed version 4 keystore, or parameters outside the accepted limits. */
    INVALID_FORMAT,
    /** A well-formed keystore using a kdf, prf, checksum or cipher we do not implement. */
    UNSUPPORTED,
    /** The checksum did not match: almost always the wrong password. */
    WRONG_PASSWORD,
    /** Decryption worked but the plaintext is not a valid BLS secret key. */
    INVALID_SECRET,
    /** The keystore's {@code pubkey} differs from the key derived from its secret. */
    PUBKEY_MISMATCH,
    /** The derivation does not fit this process's decryption memory budget, or waited too long. */
    RESOURCE_LIMIT
  }

  private final Kind kind;

  public KeystoreException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
