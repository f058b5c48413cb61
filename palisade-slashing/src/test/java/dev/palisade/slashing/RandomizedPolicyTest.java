package dev.palisade.slashing;

import static dev.palisade.slashing.TestData.GVR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Thousands of random request sequences (blocks, attestations, interchange imports), one validator
 * per sequence, many sequences in flight at once so group commit batches them, compared with a
 * reference model of the rules; and the signed messages must never be slashable. Values are drawn
 * near 0, near 2^63 and near 2^64-1. Seed: -Dslashing.seed=N to replay.
 */
class RandomizedPolicyTest {
  static final int SEQUENCES = 2000;
  static final long[] BASES = {0, Long.MAX_VALUE - 12, -40L};

  static Stream<StoreFactory> stores() {
    return Stream.of(StoreFactory.sqlite(), StoreFactory.postgres());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void storeAgreesWithReferenceModel(StoreFactory factory) throws Exception {
    long seed = Long.getLong("slashing.seed", System.nanoTime());
    System.out.printf("[%s] randomized policy test seed %d%n", factory.name(), seed);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (SlashingProtection store = factory.open()) {
      store.pinGenesisValidatorsRoot(GVR);
      List<Future<Integer>> results = new ArrayList<>();
      for (int s = 0; s < SEQUENCES; s++) {
        long sequenceSeed = seed + s;
        int n = s;
        results.add(pool.submit(() -> runSequence(store, TestData.key(50_000 + n), sequenceSeed)));
      }
      int checks = 0;
      for (Future<Integer> f : results) checks += f.get();
      System.out.printf("[%s] %d sequences, %d checks agreed with the model; %s%n",
          factory.name(), SEQUENCES, checks, store.stats());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Obviously-correct statement of the policy, by brute force over everything recorded. */
  static final class Model {
    record Block(long slot, Bytes32 root, boolean imported) {}

    record Att(long source, long target, Bytes32 root, boolean imported) {}

    final List<Block> blocks = new ArrayList<>();
    final List<Att> atts = new ArrayList<>();
    final List<Block> signedBlocks = new ArrayList<>();
    final List<Att> signedAtts = new ArrayList<>();

    String block(long slot, Bytes32 root) {
      if (blocks.stream().anyMatch(b -> !b.imported && b.slot == slot && b.root.equals(root))) {
        return "identical";
      }
      if (blocks.stream().allMatch(b -> Long.compareUnsigned(b.slot, slot) < 0)) {
        blocks.add(new Block(slot, root, false));
        return "recorded";
      }
      return "refused";
    }

    String attestation(long source, long target, Bytes32 root) {
      if (Long.compareUnsigned(source, target) > 0) return "refused";
      if (atts.stream().anyMatch(a -> !a.imported && a.source == source && a.target == target && a.root.equals(root))) {
        return "identical";
      }
      if (atts.stream().allMatch(a -> Long.compareUnsigned(a.target, target) < 0
          && Long.compareUnsigned(a.source, source) <= 0)) {
        atts.add(new Att(source, target, root, false));
        return "recorded";
      }
      return "refused";
    }
  }

  static String outcome(Verdict v) {
    if (v instanceof Verdict.Allowed a) {
      return a.outcome() == Verdict.Allowed.Outcome.RECORDED ? "recorded" : "identical";
    }
    return "refused";
  }

  static int runSequence(SlashingProtection store, BlsPublicKey key, long seed) throws Exception {
    Random rnd = new Random(seed);
    long base = BASES[rnd.nextInt(BASES.length)];
    int span = 24;
    Model model = new Model();
    int length = 4 + rnd.nextInt(14);
    for (int step = 0; step < length; step++) {
      int op = rnd.nextInt(20);
      String context = "seed " + seed + " step " + step;
      if (op == 0) {
        // import a small history for this key
        List<String> bl = new ArrayList<>();
        List<String> at = new ArrayList<>();
        for (int i = rnd.nextInt(3); i > 0; i--) {
          long slot = base + rnd.nextInt(span);
          Bytes32 root = rnd.nextBoolean() ? null : TestData.root(rnd.nextInt(3));
          model.blocks.add(new Model.Block(slot, root, true));
          bl.add("{\"slot\": \"" + Long.toUnsignedString(slot) + "\""
              + (root == null ? "" : ", \"signing_root\": \"" + root.toHex() + "\"") + "}");
        }
        for (int i = rnd.nextInt(3); i > 0; i--) {
          long source = base + rnd.nextInt(span);
          long target = source + rnd.nextInt(4);
          model.atts.add(new Model.Att(source, target, null, true));
          at.add("{\"source_epoch\": \"" + Long.toUnsignedString(source)
              + "\", \"target_epoch\": \"" + Long.toUnsignedString(target) + "\"}");
        }
        store.importInterchange(TestData.json(
            "{\"metadata\": {\"interchange_format_version\": \"5\", \"genesis_validators_root\": \""
                + GVR.toHex() + "\"}, \"data\": [{\"pubkey\": \"" + key.toHex()
                + "\", \"signed_blocks\": " + bl + ", \"signed_attestations\": " + at + "}]}"));
      } else if (op < 9) {
        long slot = base + rnd.nextInt(span);
        Bytes32 root = TestData.root(rnd.nextInt(3));
        String expected = model.block(slot, root);
        Verdict v = store.checkAndRecordBlock(key, GVR, slot, root);
        assertEquals(expected, outcome(v), context + " block " + Long.toUnsignedString(slot) + " " + v);
        // A new message must not be slashable; an identical re-sign is the same message again.
        if (v == Verdict.Allowed.RECORDED) {
          Model.Block signed = new Model.Block(slot, root, false);
          assertNotSlashable(model, signed);
          model.signedBlocks.add(signed);
        }
      } else {
        long source = base + rnd.nextInt(span);
        long target = rnd.nextInt(8) == 0 ? source - 1 : source + rnd.nextInt(5);
        Bytes32 root = TestData.root(rnd.nextInt(3));
        String expected = model.attestation(source, target, root);
        Verdict v = store.checkAndRecordAttestation(key, GVR, source, target, root);
        assertEquals(expected, outcome(v), context + " attestation " + source + "," + target + " " + v);
        if (v == Verdict.Allowed.RECORDED) {
          Model.Att signed = new Model.Att(source, target, root, false);
          assertNotSlashable(model, signed);
          model.signedAtts.add(signed);
        }
      }
    }
    return length;
  }

  /**
   * Independent of the policy, checked for each new signature: it never conflicts with what we
   * signed before or with data imported before it (a later import may bring conflicting history).
   */
  static void assertNotSlashable(Model m, Model.Block signed) {
    for (Model.Block b : m.signedBlocks) {
      assertTrue(signed.slot() != b.slot() || signed.root().equals(b.root()), "double proposal " + signed + " " + b);
    }
    for (Model.Block b : m.blocks) {
      if (b.imported()) {
        assertTrue(signed.slot() != b.slot() || signed.root().equals(b.root()), "conflicts with import " + signed + " " + b);
      }
    }
  }

  static void assertNotSlashable(Model m, Model.Att signed) {
    List<Model.Att> others = new ArrayList<>(m.signedAtts);
    others.addAll(m.atts.stream().filter(Model.Att::imported).toList());
    for (Model.Att b : others) {
      boolean same = signed.source() == b.source() && signed.target() == b.target()
          && Objects.equals(signed.root(), b.root());
      if (same) continue;
      assertTrue(signed.target() != b.target(), "double vote " + signed + " " + b);
      assertTrue(!surrounds(signed, b) && !surrounds(b, signed), "surround vote " + signed + " " + b);
    }
  }

  static boolean surrounds(Model.Att outer, Model.Att inner) {
    return Long.compareUnsigned(outer.source(), inner.source()) < 0
        && Long.compareUnsigned(inner.target(), outer.target()) < 0;
  }
}
