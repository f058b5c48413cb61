package dev.palisade.crypto;

import dev.palisade.eth2.BlsPublicKey;
import supranational.blst.BLST_ERROR;
import supranational.blst.P1_Affine;
import supranational.blst.P2_Affine;

/**
 * BLS12-381 verification and point validation for the Ethereum ciphersuite, backed by blst. Every
 * method is thread-safe and returns false (never throws) for malformed input.
 */
public final class Bls {
  /** Proof-of-possession ciphersuite used by the consensus specs. */
  public static final String DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

  private static final int G1_COMPRESSED_SIZE = 48;
  private static final int G2_COMPRESSED_SIZE = 96;

  private Bls() {}

  /**
   * Verifies {@code signature} over {@code message} (the consensus-spec {@code Verify}): the public
   * key must pass {@link #isValidPublicKey}, the signature must be a G2 subgroup point.
   */
  public static boolean verify(BlsPublicKey publicKey, byte[] message, BlsSignature signature) {
    P1_Affine pk = decodeG1(publicKey.toArray());
    if (pk == null || pk.is_inf()) {
      return false;
    }
    P2_Affine sig = decodeG2(signature.toArray());
    if (sig == null) {
      return false;
    }
    return sig.core_verify(pk, true, message, DST) == BLST_ERROR.BLST_SUCCESS;
  }

  /** The consensus-spec {@code KeyValidate}: a G1 subgroup point that is not the identity. */
  public static boolean isValidPublicKey(BlsPublicKey publicKey) {
    P1_Affine pk = decodeG1(publicKey.toArray());
    return pk != null && !pk.is_inf();
  }

  /**
   * Whether {@code compressed} deserializes to a point in the G1 subgroup. The identity is
   * accepted, as in the bls12-381-tests {@code deserialization_G1} cases; public keys need {@link
   * #isValidPublicKey}.
   */
  public static boolean isValidG1Point(byte[] compressed) {
    return decodeG1(compressed) != null;
  }

  /** Whether {@code compressed} deserializes to a point in the G2 subgroup (identity accepted). */
  public static boolean isValidG2Point(byte[] compressed) {
    return decodeG2(compressed) != null;
  }

  /** Whether the signature bytes are a G2 subgroup point (identity accepted). */
  public static boolean isValidSignaturePoint(BlsSignature signature) {
    return decodeG2(signature.toArray()) != null;
  }

  /** Decodes a compressed G1 point and checks it is in the subgroup; null if it is not. */
  private static P1_Affine decodeG1(byte[] compressed) {
    // blst also accepts the 96-byte uncompressed form, which the eth2 wire format does not allow.
    if (compressed.length != G1_COMPRESSED_SIZE) {
      return null;
    }
    try {
      P1_Affine point = new P1_Affine(compressed);
      return point.in_group() ? point : null;
    } catch (RuntimeException badEncoding) {
      return null;
    }
  }

  private static P2_Affine decodeG2(byte[] compressed) {
    if (compressed.length != G2_COMPRESSED_SIZE) {
      return null;
    }
    try {
      P2_Affine point = new P2_Affine(compressed);
      return point.in_group() ? point : null;
    } catch (RuntimeException badEncoding) {
      return null;
    }
  }
}
