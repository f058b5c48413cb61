package dev.palisade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option values that the command line did not give: from {@code PALISADE_<OPTION>} environment
 * variables first, then from the YAML config file (keys are option names without dashes).
 */
final class ConfigDefaults implements IDefaultValueProvider {
  static final String CONFIG_FILE_OPTION = "--config-file";
  private static final String ENV_PREFIX = "PALISADE_";

  private final Map<String, String> environment;
  private final Map<String, String> fileValues;

  private ConfigDefaults(Map<String, String> environment, Map<String, String> fileValues) {
    this.environment = environment;
    this.fileValues = fileValues;
  }

  static ConfigDefaults load(Path configFile, Map<String, String> environment) {
    return new ConfigDefaults(environment, configFile == null ? Map.of() : readYaml(configFile));
  }

  /** The config file comes from the command line or the environment, before parsing the rest. */
  static Path findConfigFile(String[] args, Map<String, String> environment) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(CONFIG_FILE_OPTION) && i + 1 < args.length) {
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith(CONFIG_FILE_OPTION + "=")) {
        return Path.of(args[i].substring(CONFIG_FILE_OPTION.length() + 1));
      }
    }
    String fromEnvironment = environment.get(ENV_PREFIX + "CONFIG_FILE");
    return fromEnvironment == null || fromEnvironment.isBlank() ? null : Path.of(fromEnvironment);
  }

  private static Map<String, String> readYaml(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
    }
    Map<String, String> values = new HashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return values;
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("config file " + file + " must be a YAML mapping of option: value");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode value = entry.getValue();
      if (value.isContainerNode()) {
        throw new IllegalArgumentException(
            "config file " + file + ": option '" + entry.getKey() + "' must be a single value");
      }
      values.put(entry.getKey().toLowerCase(Locale.ROOT), value.asText());
    }
    return values;
  }

  /** The option names the config file sets (lower case, without dashes). */
  java.util.Set<String> fileKeys() {
    return fileValues.keySet();
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option) || option.longestName().equals(CONFIG_FILE_OPTION)) {
      return null;
    }
    // Every name of an option counts (--db-url and its alias --slashing-protection-db-url): the
    // environment first, in the order the names are declared, then the file.
    for (String name : names(option)) {
      String fromEnvironment = environment.get(ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_'));
      if (fromEnvironment != null) {
        return fromEnvironment;
      }
    }
    for (String name : names(option)) {
      String fromFile = fileValues.get(name.toLowerCase(Locale.ROOT));
      if (fromFile != null) {
        return fromFile;
      }
    }
    return option.defaultValue();
  }

  private static java.util.List<String> names(OptionSpec option) {
    java.util.List<String> longNames = java.util.Arrays.stream(option.names())
        .filter(n -> n.startsWith("--"))
        .map(n -> n.substring(2))
        .toList();
    return longNames.isEmpty() ? java.util.List.of(option.longestName().replaceFirst("^-+", "")) : longNames;
  }
}
