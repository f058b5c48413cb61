package dev.palisade.eth2;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Built-in networks and the parser for consensus-spec style config YAML.
 *
 * <p>Built-in fork schedules come from each network's {@code metadata/config.yaml} in the
 * eth-clients repositories (mainnet also from consensus-specs v1.6.1 {@code configs/mainnet.yaml}),
 * cross-checked against consensus clients' built-in configs; genesis validators roots from the
 * eth-clients READMEs.
 */
public final class Networks {
  private static final Map<String, Network> BUILT_IN = new LinkedHashMap<>();

  static {
    register(
        "mainnet",
        "0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95",
        new String[] {"0x00000000", "0x01000000", "0x02000000", "0x03000000", "0x04000000", "0x05000000", "0x06000000"},
        new long[] {0, 74240, 144896, 194048, 269568, 364032, 411392});
    register(
        "sepolia",
        "0xd8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078",
        new String[] {"0x90000069", "0x90000070", "0x90000071", "0x90000072", "0x90000073", "0x90000074", "0x90000075"},
        new long[] {0, 50, 100, 56832, 132608, 222464, 272640});
    register(
        "holesky",
        "0x9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1",
        new String[] {"0x01017000", "0x02017000", "0x03017000", "0x04017000", "0x05017000", "0x06017000", "0x07017000"},
        new long[] {0, 0, 0, 256, 29696, 115968, 165120});
    register(
        "hoodi",
        "0x212f13fc4df078b6cb7db228f1c8307566dcecf900867401a92023d7ba99cb5f",
        new String[] {"0x10000910", "0x20000910", "0x30000910", "0x40000910", "0x50000910", "0x60000910", "0x70000910"},
        new long[] {0, 0, 0, 0, 0, 2048, 50688});
  }

  private Networks() {}

  private static void register(String name, String gvr, String[] versions, long[] epochs) {
    EnumMap<Fork, Network.ScheduledFork> schedule = new EnumMap<>(Fork.class);
    for (Fork fork : Fork.values()) {
      schedule.put(
          fork,
          new Network.ScheduledFork(ForkVersion.fromHex(versions[fork.ordinal()]), epochs[fork.ordinal()]));
    }
    BUILT_IN.put(name, new Network(name, Preset.MAINNET, Optional.of(Bytes32.fromHex(gvr)), schedule));
  }

  /** A built-in network by name, case-insensitive: mainnet, sepolia, holesky, hoodi. */
  public static Network named(String name) {
    Network network = name == null ? null : BUILT_IN.get(name.trim().toLowerCase(Locale.ROOT));
    if (network == null) {
      throw new IllegalArgumentException(
          "unknown network '" + abbreviate(name) + "'; known networks: " + String.join(", ", BUILT_IN.keySet()));
    }
    return network;
  }

  public static Iterable<String> builtInNames() {
    return BUILT_IN.keySet();
  }

  /**
   * Reads a consensus-spec style config ({@code KEY: value} lines). Used keys: PRESET_BASE
   * (mainnet|minimal, default mainnet), CONFIG_NAME, GENESIS_FORK_VERSION (required),
   * {ALTAIR..FULU}_FORK_VERSION / _FORK_EPOCH (a fork without an epoch is not scheduled), and our
   * own extension GENESIS_VALIDATORS_ROOT (a 0x 32-byte hex). Other keys, nested blocks and lists
   * (BLOB_SCHEDULE, …) are ignored. Only flat scalars are understood: this is not a general YAML
   * parser, and a config needing more is reported as invalid rather than misread.
   *
   * @throws IllegalArgumentException naming the line or key that is wrong
   */
  public static Network fromConfigYaml(String yamlText) {
    if (yamlText == null) {
      throw new IllegalArgumentException("network config is missing");
    }
    Map<String, String> values = flatScalars(yamlText);
    String presetName = values.getOrDefault("PRESET_BASE", "mainnet");
    Preset preset =
        Preset.named(presetName)
            .orElseThrow(() -> new IllegalArgumentException(
                "PRESET_BASE must be mainnet or minimal but was '" + abbreviate(presetName) + "'"));
    String name = values.getOrDefault("CONFIG_NAME", "custom");
    String genesisVersion = values.get("GENESIS_FORK_VERSION");
    if (genesisVersion == null) {
      throw new IllegalArgumentException("network config lacks GENESIS_FORK_VERSION");
    }
    EnumMap<Fork, Network.ScheduledFork> schedule = new EnumMap<>(Fork.class);
    schedule.put(Fork.PHASE0, new Network.ScheduledFork(version(values, "GENESIS_FORK_VERSION"), 0));
    for (Fork fork : Fork.values()) {
      if (fork == Fork.PHASE0) {
        continue;
      }
      String versionKey = fork.name() + "_FORK_VERSION";
      String epochKey = fork.name() + "_FORK_EPOCH";
      long epoch = values.containsKey(epochKey) ? epoch(values, epochKey) : UInt64.FAR_FUTURE;
      ForkVersion version;
      if (values.containsKey(versionKey)) {
        version = version(values, versionKey);
      } else if (epoch == UInt64.FAR_FUTURE) {
        version = schedule.get(fork.previous().orElseThrow()).version(); // never used: not scheduled
      } else {
        throw new IllegalArgumentException(epochKey + " is set but " + versionKey + " is missing");
      }
      schedule.put(fork, new Network.ScheduledFork(version, epoch));
    }
    Optional<Bytes32> gvr = Optional.empty();
    if (values.containsKey("GENESIS_VALIDATORS_ROOT")) {
      try {
        gvr = Optional.of(Bytes32.fromHex(values.get("GENESIS_VALIDATORS_ROOT")));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("GENESIS_VALIDATORS_ROOT: " + e.getMessage());
      }
    }
    return new Network(name, preset, gvr, schedule);
  }

  private static ForkVersion version(Map<String, String> values, String key) {
    try {
      return ForkVersion.fromHex(values.get(key));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage());
    }
  }

  private static long epoch(Map<String, String> values, String key) {
    try {
      return UInt64.parse(values.get(key));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage());
    }
  }

  /** Top-level {@code KEY: scalar} pairs; indented lines and list items belong to ignored blocks. */
  private static Map<String, String> flatScalars(String yamlText) {
    Map<String, String> values = new LinkedHashMap<>();
    String[] lines = yamlText.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.equals("---")) {
        continue;
      }
      if (Character.isWhitespace(line.charAt(0)) || trimmed.startsWith("- ")) {
        continue; // part of a nested block such as BLOB_SCHEDULE
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("invalid network config: line " + (i + 1) + " is not 'KEY: value'");
      }
      String key = line.substring(0, colon).strip();
      if (!key.matches("[A-Za-z0-9_]+")) {
        throw new IllegalArgumentException("invalid network config: line " + (i + 1) + " has an invalid key");
      }
      String value = unquote(stripComment(line.substring(colon + 1)).strip(), i + 1);
      if (values.put(key, value) != null) {
        throw new IllegalArgumentException("invalid network config: duplicate key " + key + " on line " + (i + 1));
      }
    }
    return values;
  }

  private static String stripComment(String value) {
    int hash = value.indexOf(" #");
    return hash >= 0 ? value.substring(0, hash) : value;
  }

  private static String unquote(String value, int lineNumber) {
    if (value.length() >= 2
        && (value.startsWith("'") && value.endsWith("'") || value.startsWith("\"") && value.endsWith("\""))) {
      return value.substring(1, value.length() - 1);
    }
    if (value.startsWith("'") || value.startsWith("\"") || value.startsWith("{") || value.startsWith("[")) {
      throw new IllegalArgumentException(
          "invalid network config: line " + lineNumber + " has an unterminated quote or a flow collection");
    }
    return value;
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
