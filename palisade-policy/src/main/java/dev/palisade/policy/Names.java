package dev.palisade.policy;

/** Echoing user input in errors, capped and without control characters. */
final class Names {
  private Names() {}

  static String printable(String s) {
    if (s == null) {
      return "";
    }
    String cleaned = s.replaceAll("\\p{Cntrl}", "?");
    return cleaned.length() > 60 ? cleaned.substring(0, 60) + "…" : cleaned;
  }
}
