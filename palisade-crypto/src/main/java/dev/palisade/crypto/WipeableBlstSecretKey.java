package dev.palisade.crypto;

import java.util.Arrays;
import supranational.blst.SecretKey;

/**
 * blst's SWIG {@link SecretKey} keeps the scalar in a private Java {@code long[]} and offers no way
 * to clear it. Its protected {@code getCPtr} accessor is reachable from a subclass, which lets us
 * zero that array in place.
 */
final class WipeableBlstSecretKey extends SecretKey {

  void wipe() {
    long[] scalar = getCPtr(this);
    if (scalar != null) {
      Arrays.fill(scalar, 0L);
    }
  }
}
