package dev.palisade.vault.seal;

import dev.palisade.eth2.BlsPublicKey;

/** A sealed key could not be opened (or sealed). Messages never contain key material. */
public final class SealedKeyException extends Exception {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    /**
     * The record does not authenticate for its public key and operator: it was moved onto another
     * key or operator, altered, or wrapped by a different KEK with the same id.
     */
    BINDING_MISMATCH,
    /** The record names a KEK that is not available to this process. */
    UNKNOWN_KEK,
    /** The record's format version is not one this build reads. */
    UNSUPPORTED_FORMAT,
    /** The KEK provider failed (HSM or KMS unreachable, wrong PIN, ...); see the cause. */
    KEK_FAILURE,
    /** The decrypted secret is not a valid key for the record's public key. */
    INVALID_KEY
  }

  private final Kind kind;
  private final transient BlsPublicKey publicKey;

  public SealedKeyException(Kind kind, BlsPublicKey publicKey, String message, Throwable cause) {
    super(message + " (key " + publicKey + ")", cause);
    this.kind = kind;
    this.publicKey = publicKey;
  }

  /** For a key not named by a BLS public key (a secp256k1 key: the message names its address). */
  public SealedKeyException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.publicKey = null;
  }

  public SealedKeyException(Kind kind, BlsPublicKey publicKey, String message) {
    this(kind, publicKey, message, null);
  }

  public Kind kind() {
    return kind;
  }

  public BlsPublicKey publicKey() {
    return publicKey;
  }
}
