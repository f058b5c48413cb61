package dev.palisade.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An independent EIP-3076 / consensus-spec check over what a signer returned: it records the
 * messages of every request answered 200 and finds slashable pairs (double votes, surround votes,
 * double proposals) with its own logic, sharing no code with palisade-slashing. Messages are
 * compared by their content: two attestations (blocks) differ exactly when their signing roots do.
 */
final class SlashableCheck {
  record Attestation(long source, long target, String blockRoot) {}

  record Block(long slot, String parentRoot) {}

  private final Map<String, Set<Attestation>> attestations = new ConcurrentHashMap<>();
  private final Map<String, Set<Block>> blocks = new ConcurrentHashMap<>();

  void signedAttestation(String key, long source, long target, String blockRoot) {
    attestations.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(new Attestation(source, target, blockRoot));
  }

  void signedBlock(String key, long slot, String parentRoot) {
    blocks.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(new Block(slot, parentRoot));
  }

  long distinctSigned() {
    return attestations.values().stream().mapToLong(Set::size).sum()
        + blocks.values().stream().mapToLong(Set::size).sum();
  }

  /** Every slashable pair, described; empty when none. */
  List<String> slashablePairs() {
    List<String> found = new ArrayList<>();
    attestations.forEach((key, set) -> found.addAll(attestationPairs(key, List.copyOf(set))));
    blocks.forEach((key, set) -> {
      Map<Long, Block> bySlot = new HashMap<>();
      for (Block block : set) {
        Block other = bySlot.putIfAbsent(block.slot(), block);
        if (other != null) {
          found.add("double proposal " + key + ": " + other + " / " + block);
        }
      }
    });
    return found;
  }

  private static List<String> attestationPairs(String key, List<Attestation> all) {
    List<String> found = new ArrayList<>();
    Map<Long, Attestation> byTarget = new HashMap<>();
    for (Attestation a : all) {
      Attestation other = byTarget.putIfAbsent(a.target(), a);
      if (other != null) {
        found.add("double vote " + key + ": " + other + " / " + a);
      }
    }
    // Surround: a.source < b.source and b.target < a.target. Sweep by source; for each group of
    // equal sources compare with the widest target seen at strictly smaller sources.
    List<Attestation> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparingLong(Attestation::source));
    Attestation widest = null;
    int i = 0;
    while (i < sorted.size()) {
      int j = i;
      while (j < sorted.size() && sorted.get(j).source() == sorted.get(i).source()) {
        Attestation inner = sorted.get(j);
        if (widest != null && inner.target() < widest.target()) {
          found.add("surround vote " + key + ": " + widest + " surrounds " + inner);
        }
        j++;
      }
      for (int k = i; k < j; k++) {
        if (widest == null || sorted.get(k).target() > widest.target()) {
          widest = sorted.get(k);
        }
      }
      i = j;
    }
    return found;
  }

  /** Self-test material: the checker must find what it claims to find. */
  static Set<String> kinds(List<String> pairs) {
    Set<String> kinds = new HashSet<>();
    pairs.forEach(p -> kinds.add(p.substring(0, p.indexOf(' ', p.indexOf(' ') + 1))));
    return kinds;
  }
}
