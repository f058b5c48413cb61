package dev.palisade.server.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.eth2.signing.SigningRequestDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Check and update are one step per key: racing conflicting requests never both pass. */
class NodeWatermarkPolicyTest {
  private static final BlsPublicKey KEY =
      BlsSecretKey.fromBytes(Hex.decode("0x000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")).publicKey();

  @Test
  void ofManyConflictingBlocksRacingForOneSlotExactlyOneIsAllowed() throws Exception {
    SigningRequest block = new SigningRequestDecoder().decode(block(500).getBytes(StandardCharsets.UTF_8));
    for (int round = 0; round < 20; round++) {
      NodeWatermarkPolicy policy = new NodeWatermarkPolicy();
      int threads = 8;
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<PolicyDecision>> decisions = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        byte[] root = new byte[32];
        root[0] = (byte) (i + 1); // a different signing root each: conflicting proposals
        SigningContext context = new SigningContext(KEY, block, Bytes32.wrap(root));
        decisions.add(pool.submit(() -> {
          go.await();
          return policy.evaluate(context);
        }));
      }
      go.countDown();
      int allowed = 0;
      for (Future<PolicyDecision> decision : decisions) {
        PolicyDecision d = decision.get();
        if (d instanceof PolicyDecision.Allow) {
          allowed++;
        } else {
          assertEquals(NodeWatermarkPolicy.RULE, ((PolicyDecision.Deny) d).rule());
        }
      }
      pool.shutdown();
      assertEquals(1, allowed, "round " + round);
    }
  }

  private static String block(long slot) {
    return """
        {"type":"BLOCK_V2",
         "fork_info":{"fork":{"previous_version":"0x00000000","current_version":"0x00000000","epoch":"0"},
                      "genesis_validators_root":"0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95"},
         "beacon_block":{"version":"BELLATRIX","block_header":{"slot":"%d","proposer_index":"7",
           "parent_root":"0x%s","state_root":"0x%s","body_root":"0x%s"}}}
        """
        .formatted(slot, "00".repeat(32), "00".repeat(32), "00".repeat(32));
  }
}
