package dev.palisade.slashing;

import dev.palisade.eth2.Bytes32;

/** The database is pinned to another network. */
public class GenesisValidatorsRootMismatchException extends RuntimeException {
  private final Bytes32 pinned;
  private final Bytes32 requested;

  public GenesisValidatorsRootMismatchException(Bytes32 pinned, Bytes32 requested) {
    super(
        "genesis validators root "
            + requested
            + " does not match "
            + pinned
            + " pinned in the slashing protection database");
    this.pinned = pinned;
    this.requested = requested;
  }

  public Bytes32 pinned() {
    return pinned;
  }

  public Bytes32 requested() {
    return requested;
  }
}
