package dev.palisade.eth2.ssz;

/** A value that does not fit its SSZ type (a list over its limit, a bitvector of the wrong size). */
public class SszException extends IllegalArgumentException {
  public SszException(String message) {
    super(message);
  }
}
