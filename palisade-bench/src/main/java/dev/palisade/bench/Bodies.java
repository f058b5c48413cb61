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

  /** How many validators sign each attestation message, as {@code --messages} chooses. */
  enum Messages {
    /**
     * Mainnet's shape: an epoch has 32 slots × 64 committees, and every member of a committee signs the same
     * attestation data, so an operator with N validators has min(N, 2,048) distinct messages per epoch (10,000
     * validators: ~4.9 signers per message, what a 1 % operator of a 1,000,000-validator network sees). A
     * committee's members are consecutive validators, so requests in validator order meet a new message (a hash
     * to G2 the node cannot reuse) every ~N/2,048 requests, evenly: with committee {@code v mod 2048} the first
     * 2,048 requests of every epoch were all new messages, ~1.5× the CPU per request for a fifth of each pass
     * over the validators, which made "50 % load" a load over 100 % for 0.8 s of every 4 s. Selection proofs of
     * a slot share its one message.
     */
    COMMITTEES,
    /** Every attestation a message of its own (its block root names the validator): no two share one. */
    DISTINCT
  }

  private static final int COMMITTEES_PER_EPOCH = 32 * 64;

  private final Messages messages;
  private final int validators;

  Bodies(Messages messages, int validators) {
    this.messages = messages;
    this.validators = validators;
  }

  Messages messages() {
    return messages;
  }

  /** Validator {@code v}'s attestation in {@code epoch}: its own slot and committee in the epoch. */
  byte[] attestationFor(int v, long epoch) {
    int committee =
        validators <= COMMITTEES_PER_EPOCH ? v : (int) ((long) v * COMMITTEES_PER_EPOCH / validators);
    return attestation(v, epoch * 32 + committee / 64, committee % 64, epoch);
  }

  /** Validator {@code v}'s attestation in {@code slot}, in committee {@code v mod 64} of the slot. */
  byte[] slotAttestation(int v, long slot, long epoch) {
    return attestation(v, slot, v % 64, epoch);
  }

  /** An attestation for {@code slot} voting source {@code target-1} → {@code target}. */
  private byte[] attestation(int v, long slot, long committeeIndex, long targetEpoch) {
    String blockRoot = messages == Messages.DISTINCT ? "0x" + String.format("%064x", v) : BLOCK_ROOT;
    String s =
        "{\"type\":\"ATTESTATION\","
            + FORK_INFO
            + ",\"attestation\":{\"slot\":\""
            + slot
            + "\",\"index\":\""
            + committeeIndex
            + "\",\"beacon_block_root\":\""
            + blockRoot
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

  /** The selection proof of {@code slot}: one message for every validator, whatever {@link Messages} says. */
  static byte[] aggregationSlot(long slot) {
    return ("{\"type\":\"AGGREGATION_SLOT\","
            + FORK_INFO
            + ",\"aggregation_slot\":{\"slot\":\""
            + slot
            + "\"}}")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
