package dev.palisade.cli;

import dev.palisade.server.NodeConfig;
import dev.palisade.server.NodeStorage;
import dev.palisade.store.Database;
import dev.palisade.store.DatabaseConfig;
import dev.palisade.slashing.InterchangeException;
import dev.palisade.slashing.SlashingProtection;
import dev.palisade.slashing.SlashingProtections;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "slashing",
    mixinStandardHelpOptions = true,
    description = "Move slashing-protection history in and out as EIP-3076 interchange v5 JSON.",
    subcommands = {SlashingCommand.Export.class, SlashingCommand.Import.class})
final class SlashingCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The node's database and its slashing store; closing it closes both. */
  record Opened(Database database, SlashingProtection protection) implements AutoCloseable {
    @Override
    public void close() {
      protection.close();
      database.close();
    }
  }

  static Opened open(StoreOptions store, DatabaseConfig.IdentityMode mode) {
    NodeConfig.SlashingConfig config = store.slashingConfig();
    DatabaseConfig databaseConfig = NodeStorage.config(config, store.dataPath);
    if (!config.acceptNewDatabase()) {
      databaseConfig = databaseConfig.withIdentity(mode);
    }
    Database database = NodeStorage.open(databaseConfig);
    try {
      return new Opened(database, SlashingProtections.open(database, config.options()));
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Write the complete slashing history of every key (interchange v5).")
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;

    @Option(names = "--config-file", description = "YAML file of option values")
    Path configFile;

    @Option(names = "--to", required = true, description = "File to write (written atomically)")
    Path to;

    @Override
    public Integer call() throws IOException {
      Path absolute = to.toAbsolutePath();
      Path temporary = Files.createTempFile(absolute.getParent(), ".palisade-export", ".json");
      try (Opened opened = open(store, DatabaseConfig.IdentityMode.STRICT)) {
        try (OutputStream out = Files.newOutputStream(temporary)) {
          opened.protection().exportInterchange(out, List.of());
        }
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temporary);
      }
      spec.commandLine().getOut().println("Exported slashing protection history to " + absolute);
      return 0;
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = "Merge an interchange v5 file into the history: all or nothing, idempotent.")
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;

    @Option(names = "--config-file", description = "YAML file of option values")
    Path configFile;

    @Option(names = "--from", required = true, description = "Interchange file to import")
    Path from;

    @Override
    public Integer call() throws IOException, InterchangeException {
      // An import is the deliberate way onto a new database: an empty one is accepted, and the
      // data path remembers it only once the history is in (all or nothing).
      try (Opened opened = open(store, DatabaseConfig.IdentityMode.ACCEPT_NEW_ON_CONFIRM);
          InputStream in = Files.newInputStream(from)) {
        opened.protection().importInterchange(in);
        opened.database().confirmIdentity();
      }
      spec.commandLine().getOut().println("Imported slashing protection history from " + from);
      return 0;
    }
  }
}
