package dev.palisade.vault;

import dev.palisade.eth2.BlsPublicKey;

/**
 * The vault refused to sign because the message is below one of its own per-key high-watermarks
 * and is not an identical re-sign: signing it could produce a slashable signature. This is the
 * vault's defence in depth, independent of the server's slashing protection (map it to HTTP 412).
 * The message names the public key and the numbers involved, never a secret.
 */
public final class VaultRefusedException extends RuntimeException {
  /** Which watermark rule refused the message. */
  public enum Rule {
    /** A block slot below the highest block slot signed with this key. */
    BLOCK_SLOT_BELOW_WATERMARK,
    /** A block at the highest signed slot but with another signing root (double proposal). */
    BLOCK_DOUBLE_PROPOSAL,
    /** An attestation target epoch below the highest signed target. */
    ATTESTATION_TARGET_BELOW_WATERMARK,
    /** An attestation at the highest signed target with another signing root (double vote). */
    ATTESTATION_DOUBLE_VOTE,
    /** An attestation source epoch below the highest signed source (possible surround). */
    ATTESTATION_SOURCE_BELOW_WATERMARK,
    /** An attestation whose source epoch is after its target epoch. */
    ATTESTATION_SOURCE_AFTER_TARGET;

    /** The rule for a wire name, or null. */
    public static Rule parse(String name) {
      for (Rule rule : values()) {
        if (rule.name().equals(name)) {
          return rule;
        }
      }
      return null;
    }
  }

  private final Rule rule;
  private final transient BlsPublicKey key;

  public VaultRefusedException(Rule rule, BlsPublicKey key, String message) {
    super(message);
    this.rule = rule;
    this.key = key;
  }

  public Rule rule() {
    return rule;
  }

  /** The key the refused message was for (null when the refusal came over the wire without it). */
  public BlsPublicKey key() {
    return key;
  }
}
