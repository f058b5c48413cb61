package dev.palisade.eth2;

/** The 4-byte domain types that separate signatures by purpose (consensus-specs, builder-specs). */
public enum DomainType {
  BEACON_PROPOSER(0x00000000),
  BEACON_ATTESTER(0x01000000),
  RANDAO(0x02000000),
  DEPOSIT(0x03000000),
  VOLUNTARY_EXIT(0x04000000),
  SELECTION_PROOF(0x05000000),
  AGGREGATE_AND_PROOF(0x06000000),
  SYNC_COMMITTEE(0x07000000),
  SYNC_COMMITTEE_SELECTION_PROOF(0x08000000),
  CONTRIBUTION_AND_PROOF(0x09000000),
  BLS_TO_EXECUTION_CHANGE(0x0A000000),
  /** builder-specs DOMAIN_APPLICATION_BUILDER (= DOMAIN_APPLICATION_MASK). */
  APPLICATION_BUILDER(0x00000001);

  private final int value;

  DomainType(int value) {
    this.value = value;
  }

  /** The 4 bytes in spec order (the hex literal read big-endian). */
  public byte[] toArray() {
    return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
  }

  public String toHex() {
    return Hex.encode(toArray());
  }
}
