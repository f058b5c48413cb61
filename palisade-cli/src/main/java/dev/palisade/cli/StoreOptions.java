package dev.palisade.cli;

import dev.palisade.eth2.Network;
import dev.palisade.eth2.Networks;
import dev.palisade.server.NodeConfig;
import dev.palisade.slashing.SlashingOptions;
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
      names = "--slashing-protection-db-url",
      description = "jdbc:postgresql://… to share slashing history between instances. Default: SQLite in --data-path")
  String slashingDbUrl;

  @Option(names = "--slashing-protection-db-username", description = "PostgreSQL user")
  String slashingDbUsername;

  @Option(
      names = "--slashing-protection-db-password",
      description = "PostgreSQL password (prefer the PALISADE_SLASHING_PROTECTION_DB_PASSWORD variable)")
  String slashingDbPassword;

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
    if (slashingDbUrl != null && !slashingDbUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "--slashing-protection-db-url must be a jdbc:postgresql:// URL (SQLite is the default and needs no URL)");
    }
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
        slashingDbPassword,
        options);
  }

  String describeSlashingStore() {
    if (!slashingProtectionEnabled) {
      return "DISABLED";
    }
    return slashingDbUrl != null
        ? "PostgreSQL " + slashingDbUrl.replaceAll("//[^@/]*@", "//")
        : "SQLite in " + dataPath.toAbsolutePath();
  }
}
