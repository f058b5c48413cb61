package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.ssz.SszException;
import java.util.Objects;

/** Fixed byte lengths of the consensus types, and the check the records run on construction. */
public final class FixedSizes {
  public static final int BLS_PUBKEY = 48;
  public static final int BLS_SIGNATURE = 96;
  public static final int EXECUTION_ADDRESS = 20;
  public static final int KZG_COMMITMENT = 48;

  private FixedSizes() {}

  static Bytes require(Bytes value, int length, String field) {
    Objects.requireNonNull(value, field);
    if (value.length() != length) {
      throw new SszException(field + " must be " + length + " bytes but has " + value.length());
    }
    return value;
  }
}
