package dev.palisade.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The latency phase sends attestations in validator order at a fixed rate, so the node's cost per request must not
 * depend on where in that order a request falls: a request meeting a message no earlier one had (a hash to G2 the
 * node cannot reuse) costs half a signature more.
 */
class BodiesTest {
  private static final Pattern SLOT_AND_INDEX = Pattern.compile("\"slot\":\"(\\d+)\",\"index\":\"(\\d+)\"");

  @ParameterizedTest
  @ValueSource(ints = {2_049, 4_096, 10_000, 100_000})
  void newMessagesComeEvenlyInValidatorOrder(int validators) {
    Bodies bodies = new Bodies(Bodies.Messages.COMMITTEES, validators);
    Set<String> seen = new HashSet<>();
    int window = 200;
    double perRequest = 2048.0 / validators;
    int newInWindow = 0;
    for (int v = 0; v < validators; v++) {
      if (seen.add(committee(bodies, v))) newInWindow++;
      if ((v + 1) % window == 0) {
        // every window of requests meets about its share of the epoch's 2,048 messages, never all of them new
        assertTrue(Math.abs(newInWindow - perRequest * window) <= 1 + perRequest * window * 0.05,
            validators + " validators: " + newInWindow + " new messages in requests " + (v + 1 - window) + ".." + v);
        newInWindow = 0;
      }
    }
    assertEquals(2048, seen.size(), "mainnet's 2,048 committees per epoch");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 400, 2_048})
  void upToACommitteeEachEveryValidatorHasItsOwnMessage(int validators) {
    Bodies bodies = new Bodies(Bodies.Messages.COMMITTEES, validators);
    Set<String> seen = new HashSet<>();
    for (int v = 0; v < validators; v++) seen.add(committee(bodies, v));
    assertEquals(validators, seen.size());
  }

  private static String committee(Bodies bodies, int v) {
    Matcher m = SLOT_AND_INDEX.matcher(new String(bodies.attestationFor(v, 7), StandardCharsets.US_ASCII));
    assertTrue(m.find());
    return m.group(1) + "/" + m.group(2);
  }
}
