package dev.palisade.eth2;

import java.util.Optional;

/**
 * The consensus forks a signer must understand, in activation order. Every container-shape
 * difference between forks is answered here, so the SSZ code asks "does this fork have X?" instead
 * of comparing fork names.
 */
public enum Fork {
  PHASE0,
  ALTAIR,
  BELLATRIX,
  CAPELLA,
  DENEB,
  ELECTRA,
  FULU;

  public boolean isAtLeast(Fork other) {
    return compareTo(other) >= 0;
  }

  /** Altair: sync committees; the block body gains sync_aggregate. */
  public boolean hasSyncCommittees() {
    return isAtLeast(ALTAIR);
  }

  /** Bellatrix: the block body gains execution_payload. */
  public boolean hasExecutionPayload() {
    return isAtLeast(BELLATRIX);
  }

  /** Capella: payload withdrawals and body bls_to_execution_changes. */
  public boolean hasWithdrawals() {
    return isAtLeast(CAPELLA);
  }

  /** Deneb: body blob_kzg_commitments; payload blob_gas_used and excess_blob_gas. */
  public boolean hasBlobs() {
    return isAtLeast(DENEB);
  }

  /** Electra: body execution_requests. */
  public boolean hasExecutionRequests() {
    return isAtLeast(ELECTRA);
  }

  /**
   * Electra (EIP-7549): attestations carry committee_bits, their aggregation bitlist spans every
   * committee of the slot, and the body's attestation and attester-slashing limits change.
   */
  public boolean hasCommitteeBits() {
    return isAtLeast(ELECTRA);
  }

  public Optional<Fork> previous() {
    return ordinal() == 0 ? Optional.empty() : Optional.of(values()[ordinal() - 1]);
  }

  /** Case-insensitive lookup of a fork name such as "deneb" or "DENEB". */
  public static Optional<Fork> fromName(String name) {
    if (name == null) {
      return Optional.empty();
    }
    // exact apart from case: a NUL, whitespace or other control character makes it another word
    for (Fork fork : values()) {
      if (fork.name().equalsIgnoreCase(name)) {
        return Optional.of(fork);
      }
    }
    return Optional.empty();
  }
}
