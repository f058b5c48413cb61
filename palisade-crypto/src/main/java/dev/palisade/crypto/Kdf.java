package dev.palisade.crypto;

import java.security.SecureRandom;

/**
 * The key derivation of an EIP-2335 keystore, with limits that refuse parameters no honest keystore
 * uses (they would let a crafted file exhaust memory or CPU). The derived key is always 32 bytes.
 */
public sealed interface Kdf permits Kdf.Scrypt, Kdf.Pbkdf2 {
  int DKLEN = 32;
  int MIN_SALT_BYTES = 1;
  int MAX_SALT_BYTES = 1024;

  /** The EIP-2335 {@code crypto.kdf.function} name. */
  String function();

  /** A copy of the salt. */
  byte[] salt();

  /** Peak memory of one derivation, for budgeting parallel decryption. */
  long memoryBytes();

  /** A fresh 32-byte salt, as staking-deposit-cli makes. */
  static byte[] randomSalt(SecureRandom random) {
    byte[] salt = new byte[32];
    random.nextBytes(salt);
    return salt;
  }

  /** scrypt. EIP-2335 default: n=2^18, r=8, p=1, which needs 128*r*n = 256 MiB. */
  record Scrypt(int n, int r, int p, byte[] salt) implements Kdf {
    /** 128 * r * n may not exceed 1 GiB (n=2^20 with r=8). */
    public static final long MAX_MEMORY_BYTES = 1L << 30;

    public static final int MAX_P = 16;

    public Scrypt {
      if (n < 2 || Integer.bitCount(n) != 1) {
        throw new IllegalArgumentException("scrypt n must be a power of two >= 2 but is " + n);
      }
      if (r < 1 || p < 1 || p > MAX_P) {
        throw new IllegalArgumentException(
            "scrypt needs r >= 1 and 1 <= p <= " + MAX_P + " but r=" + r + ", p=" + p);
      }
      if (128L * r * n > MAX_MEMORY_BYTES) {
        throw new IllegalArgumentException(
            "scrypt n=" + n + ", r=" + r + " needs more than " + MAX_MEMORY_BYTES + " bytes");
      }
      salt = checkedSalt(salt);
    }

    public static Scrypt eip2335Default(SecureRandom random) {
      return new Scrypt(1 << 18, 8, 1, randomSalt(random));
    }

    @Override
    public String function() {
      return "scrypt";
    }

    @Override
    public byte[] salt() {
      return salt.clone();
    }

    @Override
    public long memoryBytes() {
      // The V array (128*r*n) plus the per-lane blocks (128*r*p), rounded up a little.
      return 128L * r * n + 128L * r * p + (1 << 20);
    }

    @Override
    public String toString() {
      return "Scrypt[n=" + n + ", r=" + r + ", p=" + p + "]";
    }
  }

  /** PBKDF2 with HMAC-SHA256, the only prf EIP-2335 defines. Default c=2^18. */
  record Pbkdf2(int c, byte[] salt) implements Kdf {
    public static final int MAX_ITERATIONS = 1 << 24;

    public Pbkdf2 {
      if (c < 1 || c > MAX_ITERATIONS) {
        throw new IllegalArgumentException(
            "pbkdf2 c must be between 1 and " + MAX_ITERATIONS + " but is " + c);
      }
      salt = checkedSalt(salt);
    }

    public static Pbkdf2 eip2335Default(SecureRandom random) {
      return new Pbkdf2(1 << 18, randomSalt(random));
    }

    @Override
    public String function() {
      return "pbkdf2";
    }

    @Override
    public byte[] salt() {
      return salt.clone();
    }

    @Override
    public long memoryBytes() {
      return 0;
    }

    @Override
    public String toString() {
      return "Pbkdf2[c=" + c + "]";
    }
  }

  private static byte[] checkedSalt(byte[] salt) {
    if (salt == null || salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES) {
      throw new IllegalArgumentException(
          "kdf salt must be " + MIN_SALT_BYTES + " to " + MAX_SALT_BYTES + " bytes");
    }
    return salt.clone();
  }
}
