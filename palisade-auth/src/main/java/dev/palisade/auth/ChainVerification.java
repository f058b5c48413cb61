package dev.palisade.auth;

import java.util.Optional;

/** The result of walking the audit chain: how far it held, and the first place it broke. */
public record ChainVerification(long rowsChecked, Optional<Break> firstBreak) {

  public enum Kind {
    /** A sequence number is absent: the row was deleted. */
    MISSING_ROW,
    /** The row's contents do not hash to its stored hash: a field was edited. */
    ALTERED_ROW,
    /** The row's prev_hash is not the previous row's hash: that row was rewritten, hash included. */
    BROKEN_LINK,
    /** The chain's recorded head is beyond the last row: rows at the end were deleted. */
    TRUNCATED_TAIL
  }

  /** {@code seq} names the row where the break shows; {@code detail} says what is wrong. */
  public record Break(long seq, Kind kind, String detail) {}

  public boolean isIntact() {
    return firstBreak.isEmpty();
  }
}
