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

  /** Slack on top of scrypt's arrays (working blocks, copies of password and salt). */
  long OVERHEAD_BYTES = 1 << 20;

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

  /**
   * scrypt. EIP-2335 default (staking-deposit-cli): n=2^18, r=8, p=1, which needs 128*r*n = 256 MiB.
   * The limits are checked here, from the numbers alone, so a crafted keystore is refused before
   * anything is allocated.
   */
  record Scrypt(int n, int r, int p, byte[] salt) implements Kdf {
    /** 128 * r * n (the V array) may not exceed 256 MiB: the EIP-2335 default and no more. */
    public static final long MAX_MEMORY_BYTES = 256L << 20;

    /** 128 * r * p (the per-lane blocks) may not exceed 16 MiB; honest keystores use 1 KiB. */
    public static final long MAX_LANE_BYTES = 16L << 20;

    public static final int MAX_P = 16;

    /** The most one accepted derivation can need ({@link #memoryBytes()} at both limits). */
    public static final long MAX_JOB_BYTES = MAX_MEMORY_BYTES + MAX_LANE_BYTES + OVERHEAD_BYTES;

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
            "scrypt memory 128*r*n = " + 128L * r * n + " bytes (n=" + n + ", r=" + r
                + ") exceeds the limit of " + MAX_MEMORY_BYTES + " bytes (256 MiB)");
      }
      if (128L * r * p > MAX_LANE_BYTES) {
        throw new IllegalArgumentException(
            "scrypt memory 128*r*p = " + 128L * r * p + " bytes (r=" + r + ", p=" + p
                + ") exceeds the limit of " + MAX_LANE_BYTES + " bytes (16 MiB)");
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
      return 128L * r * n + 128L * r * p + OVERHEAD_BYTES;
    }

    @Override
    public String toString() {
      return "Scrypt[n=" + n + ", r=" + r + ", p=" + p + "]";
    }
  }

  /** PBKDF2 with HMAC-SHA256, the only prf EIP-2335 defines. Default c=2^18. */
  record Pbkdf2(int c, byte[] salt) implements Kdf {
    /** 16 times the EIP-2335 default: a few seconds of one core, not minutes. */
    public static final int MAX_ITERATIONS = 1 << 22;

    public Pbkdf2 {
      if (c < 1) {
        throw new IllegalArgumentException("pbkdf2 iterations c must be at least 1 but is " + c);
      }
      if (c > MAX_ITERATIONS) {
        throw new IllegalArgumentException(
            "pbkdf2 iterations c=" + c + " exceed the limit of " + MAX_ITERATIONS + " (2^22)");
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
