package dev.palisade.vault.store;

/** What {@link SealedKeyStore#put} did. */
public enum PutOutcome {
  /** The public key was new. */
  INSERTED,
  /** The identical record was already stored (a retried put). */
  UNCHANGED,
  /** A different record for the public key was replaced, as asked. */
  REPLACED
}
