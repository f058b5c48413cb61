package dev.palisade.bench;

import java.nio.charset.StandardCharsets;

/** Web3Signer request bodies, built by concatenation (cheap: the generator shares the CPU). */
final class Bodies {
  /** Any fixed root works: the store pins the first one it sees. */
  static final String GVR = "0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95";

  private static final String FORK_INFO =
      "\"fork_info\":{\"fork\":{\"previous_version\":\"0x00000000\",\"current_version\":\"0x00000000\",\"epoch\":\"0\"},"
          + "\"genesis_validators_root\":\""
          + GVR
          + "\"}";
  private static final String ZERO_ROOT = "0x" + "00".repeat(32);
  private static final String BLOCK_ROOT = "0x" + "ab".repeat(32);

  private Bodies() {}

  /** An attestation for {@code slot} voting source {@code target-1} → {@code target}. */
  static byte[] attestation(long slot, long committeeIndex, long targetEpoch) {
    String s =
        "{\"type\":\"ATTESTATION\","
            + FORK_INFO
            + ",\"attestation\":{\"slot\":\""
            + slot
            + "\",\"index\":\""
            + committeeIndex
            + "\",\"beacon_block_root\":\""
            + BLOCK_ROOT
            + "\",\"source\":{\"epoch\":\""
            + (targetEpoch - 1)
            + "\",\"root\":\""
            + ZERO_ROOT
            + "\"},\"target\":{\"epoch\":\""
            + targetEpoch
            + "\",\"root\":\""
            + ZERO_ROOT
            + "\"}}}";
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] aggregationSlot(long slot) {
    return ("{\"type\":\"AGGREGATION_SLOT\","
            + FORK_INFO
            + ",\"aggregation_slot\":{\"slot\":\""
            + slot
            + "\"}}")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Validator {@code v}'s attestation in {@code epoch}: its own slot and committee in the epoch. */
  static byte[] attestationFor(int v, long epoch) {
    return attestation(epoch * 32 + (v % 32), v % 64, epoch);
  }
}
