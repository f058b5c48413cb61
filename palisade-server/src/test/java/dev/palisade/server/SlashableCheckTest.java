package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The soak's and the failover test's independent checker must itself catch every kind of pair. */
class SlashableCheckTest {
  @Test
  void findsDoubleVotesSurroundsAndDoubleProposalsAndNothingElse() {
    SlashableCheck check = new SlashableCheck();
    check.signedAttestation("k1", 1, 2, "r1");
    check.signedAttestation("k1", 1, 2, "r1"); // a repeat of the same message is not slashable
    check.signedAttestation("k1", 2, 3, "r1");
    check.signedAttestation("k1", 2, 5, "r1");
    check.signedBlock("k1", 10, "p1");
    check.signedBlock("k1", 11, "p2");
    check.signedAttestation("k2", 2, 3, "r1"); // other keys never pair with k1
    assertEquals(List.of(), check.slashablePairs());

    check.signedAttestation("k1", 1, 3, "r2"); // double vote on target 3 (other source)
    check.signedAttestation("k1", 3, 4, "r1"); // surrounded by (2,5)
    check.signedBlock("k1", 10, "p9"); // double proposal
    List<String> pairs = check.slashablePairs();
    assertEquals(Set.of("double vote", "surround vote", "double proposal"), SlashableCheck.kinds(pairs), pairs.toString());
  }

  @Test
  void findsASurroundingVoteSignedAfterTheInnerOne() {
    SlashableCheck check = new SlashableCheck();
    check.signedAttestation("k", 5, 6, "r");
    check.signedAttestation("k", 4, 7, "r");
    assertEquals(1, check.slashablePairs().size());
  }
}
