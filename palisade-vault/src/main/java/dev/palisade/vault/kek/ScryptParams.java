package dev.palisade.vault.kek;

/**
 * scrypt cost of the passphrase that seals a KEK file. The default, n=2^17 r=8 p=1 (128 MiB, about
 * half a second here), follows current guidance for interactive unlocks; it runs once per start.
 */
public record ScryptParams(int n, int r, int p) {
  public static final ScryptParams DEFAULT = new ScryptParams(1 << 17, 8, 1);
  /** Cheap parameters for tests only. */
  public static final ScryptParams FOR_TESTS = new ScryptParams(1 << 10, 8, 1);

  private static final long MAX_MEMORY_BYTES = 1L << 30;

  public ScryptParams {
    if (n < 2 || Integer.bitCount(n) != 1 || r < 1 || p < 1 || p > 16) {
      throw new IllegalArgumentException("scrypt needs n a power of two >= 2, r >= 1, 1 <= p <= 16");
    }
    if (128L * r * n > MAX_MEMORY_BYTES) {
      throw new IllegalArgumentException("scrypt parameters need more than 1 GiB");
    }
  }
}
