package dev.palisade.cli;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Refuses configuration that names no option: a YAML key or a {@code PALISADE_*} variable with a
 * typo would otherwise be ignored silently and the default used (a signer on the wrong port, or
 * on another database). The error names the closest option.
 */
final class StrictConfig {
  /** Variables Palisade reads that are not options: secrets kept off the command line, the launcher's. */
  private static final Set<String> OTHER_VARIABLES =
      Set.of("PALISADE_KEK_PASSPHRASE", "PALISADE_PKCS11_PIN", "PALISADE_DB_PASSWORD", "PALISADE_JAVA_OPTS");

  private StrictConfig() {}

  /** @throws IllegalArgumentException naming the unknown key and the closest option */
  static void check(CommandLine root, Collection<String> fileKeys, Map<String, String> environment) {
    Set<String> options = new TreeSet<>();
    collect(root.getCommandSpec(), options);
    for (String key : new TreeSet<>(fileKeys)) {
      if (!options.contains(key)) {
        throw new IllegalArgumentException(
            "config file: unknown option '" + key + "'" + suggestion(key, options, ""));
      }
    }
    for (String variable : new TreeSet<>(environment.keySet())) {
      if (!variable.startsWith("PALISADE_") || OTHER_VARIABLES.contains(variable)) {
        continue;
      }
      String name = variable.substring("PALISADE_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
      if (!options.contains(name)) {
        throw new IllegalArgumentException(
            "environment: unknown variable " + variable + suggestion(name, options, "PALISADE_"));
      }
    }
  }

  private static void collect(CommandSpec command, Set<String> options) {
    for (OptionSpec option : command.options()) {
      for (String alias : option.names()) { // every long name: aliases are set by variable or file too
        String name = alias.replaceFirst("^-+", "");
        if (alias.startsWith("--") && !name.equals("help") && !name.equals("version")) {
          options.add(name.toLowerCase(Locale.ROOT));
        }
      }
    }
    command.subcommands().values().forEach(sub -> collect(sub.getCommandSpec(), options));
  }

  private static String suggestion(String unknown, Set<String> options, String prefix) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String option : options) {
      int distance = distance(unknown, option);
      if (distance < bestDistance) {
        best = option;
        bestDistance = distance;
      }
    }
    if (best == null || bestDistance > Math.max(3, unknown.length() / 3)) {
      return "; see --help for the options";
    }
    String shown = prefix.isEmpty() ? best : prefix + best.toUpperCase(Locale.ROOT).replace('-', '_');
    return "; did you mean " + (prefix.isEmpty() ? "'" + shown + "' (--" + best + ")" : shown) + "?";
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
