package dev.palisade.server.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LineDiffTest {
  @Test
  void aChangedLineIsOneRemovalAndOneAdditionBetweenUnchangedLines() {
    List<Views.DiffLine> diff = LineDiff.of("{\n  \"exits\": 2,\n  \"deposits\": 0\n}", "{\n  \"exits\": 3,\n  \"deposits\": 0\n}");
    assertEquals(List.of(
        new Views.DiffLine("same", "{"),
        new Views.DiffLine("removed", "  \"exits\": 2,"),
        new Views.DiffLine("added", "  \"exits\": 3,"),
        new Views.DiffLine("same", "  \"deposits\": 0"),
        new Views.DiffLine("same", "}")), diff);
  }

  @Test
  void linesAddedAtTheEndAndRemovedAtTheStartAreShownAsSuch() {
    assertEquals(List.of(new Views.DiffLine("removed", "a"), new Views.DiffLine("same", "b"),
        new Views.DiffLine("added", "c")), LineDiff.of("a\nb", "b\nc"));
  }
}
