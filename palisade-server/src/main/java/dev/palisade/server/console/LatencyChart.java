package dev.palisade.server.console;

import dev.palisade.server.metrics.PalisadeMetrics;
import java.util.List;
import java.util.Locale;

/**
 * Draws p50 and p99 signing latency per type as an SVG bar chart, on the server: no script and no
 * chart library reach the browser. Type names are escaped; everything else is numbers.
 */
final class LatencyChart {
  private static final int ROW = 28;
  private static final int LABEL = 230;
  private static final int BARS = 420;

  private LatencyChart() {}

  static String svg(List<PalisadeMetrics.Latency> latencies) {
    List<PalisadeMetrics.Latency> shown = latencies.stream().filter(latency -> latency.count() > 0).toList();
    if (shown.isEmpty()) {
      return "<p class=\"muted\">No signing requests since this node started.</p>";
    }
    double max = shown.stream().mapToDouble(PalisadeMetrics.Latency::p99Millis).max().orElse(1);
    int height = ROW * shown.size() + 30;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg class=\"chart\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\""
        + " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"><title>p50 and p99 signing latency per type</title>",
        LABEL + BARS + 240, height, LABEL + BARS + 240, height));
    int y = 4;
    for (PalisadeMetrics.Latency latency : shown) {
      svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\" class=\"label\">%s</text>", y + 14,
          escape(latency.type())));
      svg.append(bar(y, latency.p99Millis(), max, "p99"));
      svg.append(bar(y + 10, latency.p50Millis(), max, "p50"));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"value\">p50 %s ms · p99 %s ms</text>",
          LABEL + BARS + 6, y + 14, number(latency.p50Millis()), number(latency.p99Millis())));
      y += ROW;
    }
    svg.append(String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" class=\"legend\">bars: p99 (upper), p50 (lower), since start; scale 0–%s ms</text>",
        LABEL, y + 16, number(max)));
    return svg.append("</svg>").toString();
  }

  private static String bar(int y, double millis, double max, String kind) {
    double width = max <= 0 ? 0 : Math.max(1, BARS * millis / max);
    return String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"9\" class=\"%s\"/>",
        LABEL, y + 2, width, kind);
  }

  private static String number(double millis) {
    return millis < 10 ? String.format(Locale.ROOT, "%.2f", millis) : String.format(Locale.ROOT, "%.0f", millis);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
