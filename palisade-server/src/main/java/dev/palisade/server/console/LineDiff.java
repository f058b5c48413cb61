package dev.palisade.server.console;

import java.util.ArrayList;
import java.util.List;

/** A line diff of two policy documents (longest common subsequence; documents are small). */
final class LineDiff {
  /** Beyond this many lines on either side the console shows both versions instead of a diff. */
  static final int MAX_LINES = 2000;

  private LineDiff() {}

  static List<Views.DiffLine> of(String before, String after) {
    String[] a = before.split("\n", -1);
    String[] b = after.split("\n", -1);
    if (a.length > MAX_LINES || b.length > MAX_LINES) {
      return List.of(new Views.DiffLine("same", "(too long to compare line by line)"));
    }
    int[][] common = new int[a.length + 1][b.length + 1];
    for (int i = a.length - 1; i >= 0; i--) {
      for (int j = b.length - 1; j >= 0; j--) {
        common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
      }
    }
    List<Views.DiffLine> lines = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i].equals(b[j])) {
        lines.add(new Views.DiffLine("same", a[i++]));
        j++;
      } else if (i < a.length && (j == b.length || common[i + 1][j] >= common[i][j + 1])) {
        lines.add(new Views.DiffLine("removed", a[i++])); // on a tie the old line goes first, as diff -u shows it
      } else {
        lines.add(new Views.DiffLine("added", b[j++]));
      }
    }
    return lines;
  }
}
