package dev.palisade.cli;

import dev.palisade.eth2.Network;
import dev.palisade.eth2.Networks;
import dev.palisade.server.NodeConfig;
import dev.palisade.slashing.SlashingOptions;
import dev.palisade.store.Dialect;
import java.io.IOException;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options shared by every command that opens Palisade's data: where it is and which network. */
final class StoreOptions {
  @Option(
      names = "--data-path",
      defaultValue = "palisade-data",
      description = "Directory for Palisade's data (the embedded SQLite database). Default: ${DEFAULT-VALUE}")
  Path dataPath;

  @Option(
      names = "--network",
      defaultValue = "mainnet",
      description =
          "mainnet, hoodi, sepolia, holesky, or the path of a consensus-spec config YAML. Default: ${DEFAULT-VALUE}")
  String network;

  @Option(
      names = "--slashing-protection-enabled",
      defaultValue = "true",
      arity = "1",
      description = "Refuse slashable blocks and attestations (EIP-3076). Default: ${DEFAULT-VALUE}")
  boolean slashingProtectionEnabled;

  @Option(
      names = {"--db-url", "--slashing-protection-db-url"},
      description = "jdbc:postgresql://… for slashing history, identities, audit and sealed keys shared between"
          + " instances. Default: SQLite in --data-path")
  String slashingDbUrl;

  @Option(names = {"--db-username", "--slashing-protection-db-username"}, description = "PostgreSQL user")
  String slashingDbUsername;

  @Option(
      names = "--db-password-file",
      description = "File holding the PostgreSQL password (or the PALISADE_DB_PASSWORD variable)")
  Path dbPasswordFile;

  @Option(
      names = {"--slashing-protection-db-password", "--db-password"},
      description = "PostgreSQL password; visible to every local user in ps: prefer --db-password-file or PALISADE_DB_PASSWORD")
  String slashingDbPassword;

  @Option(
      names = "--db-accept-new-database",
      defaultValue = "false",
      arity = "0..1",
      description = "Start on an empty or different database than the one this --data-path used before: its"
          + " slashing history does not protect this node (prefer `palisade slashing import` of the exported history)."
          + " Default: ${DEFAULT-VALUE}")
  boolean acceptNewDatabase;

  @Option(
      names = "--slashing-protection-pruning-enabled",
      defaultValue = "false",
      arity = "1",
      description = "Delete history older than --slashing-protection-pruning-epochs-to-keep in the background."
          + " Decisions use per-key watermarks, so pruning never weakens protection. Default: ${DEFAULT-VALUE}")
  boolean pruningEnabled;

  @Option(
      names = "--slashing-protection-pruning-epochs-to-keep",
      defaultValue = "250",
      description = "History kept per key when pruning (blocks: this many epochs of slots). Default: ${DEFAULT-VALUE}")
  long pruningEpochsToKeep;

  @Option(
      names = "--slashing-protection-pruning-interval-hours",
      defaultValue = "12",
      description = "Default: ${DEFAULT-VALUE}")
  long pruningIntervalHours;

  Network resolveNetwork() {
    Path asFile = Path.of(network);
    if (Files.isRegularFile(asFile)) {
      try {
        return Networks.fromConfigYaml(Files.readString(asFile));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read network config " + asFile + ": " + e.getMessage());
      }
    }
    return Networks.named(network);
  }

  NodeConfig.SlashingConfig slashingConfig() {
    Dialect.ofUrl(slashingDbUrl); // palisade-store decides what a URL may be
    if (pruningEpochsToKeep < 1 || pruningIntervalHours < 1) {
      throw new IllegalArgumentException("pruning epochs to keep and interval must be at least 1");
    }
    SlashingOptions options =
        SlashingOptions.defaults()
            .withRetention(
                SlashingOptions.Retention.ofEpochs(
                    pruningEpochsToKeep, resolveNetwork().preset().slotsPerEpoch()))
            .withPruneInterval(pruningEnabled ? Duration.ofHours(pruningIntervalHours) : null);
    return new NodeConfig.SlashingConfig(
        slashingProtectionEnabled,
        Optional.ofNullable(slashingDbUrl),
        slashingDbUsername,
        password(),
        options,
        acceptNewDatabase);
  }

  /** From --db-password-file, else the option or PALISADE_DB_PASSWORD; never echoed. */
  private String password() {
    if (dbPasswordFile == null) {
      return slashingDbPassword;
    }
    if (slashingDbPassword != null) {
      throw new IllegalArgumentException("give the database password once: --db-password-file or the variable/option, not both");
    }
    try {
      String content = Files.readString(dbPasswordFile);
      return content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
          : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --db-password-file " + dbPasswordFile + ": " + e.getClass().getSimpleName());
    }
  }

  String describeSlashingStore() {
    if (!slashingProtectionEnabled) {
      return "DISABLED";
    }
    return slashingDbUrl != null
        ? "PostgreSQL " + slashingDbUrl.replaceAll("//[^@/]*@", "//").replaceAll("(?i)(password=)[^&;]*", "$1***")
        : "SQLite in " + dataPath.toAbsolutePath();
  }
}
