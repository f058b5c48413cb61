package dev.palisade.cli;

import dev.palisade.server.NodeConfig;
import dev.palisade.server.NodeStorage;
import dev.palisade.store.Database;
import dev.palisade.store.DatabaseConfig;
import dev.palisade.slashing.InterchangeException;
import dev.palisade.slashing.SlashingProtection;
import dev.palisade.slashing.SlashingProtections;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import dev.palisade.slashing.InterchangeAudit;
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
      Path absolute = OptionFiles.writableTarget("--to", to);
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

    @Option(
        names = "--accept-conflicts",
        description = "Import even when the file holds slashable pairs (within itself or against the database)."
            + " Watermarks only go up, so protection stays; but a key was used elsewhere: find out where first.")
    boolean acceptConflicts;

    @Override
    public Integer call() throws IOException, InterchangeException {
      byte[] document = OptionFiles.read("--from", from, 64L << 20);
      PrintWriter out = spec.commandLine().getOut();
      // An import is the deliberate way onto a new database: an empty one is accepted, and the
      // data path remembers it only once the history is in (all or nothing).
      try (Opened opened = open(store, DatabaseConfig.IdentityMode.ACCEPT_NEW_ON_CONFIRM)) {
        SlashingProtection protection = opened.protection();
        List<dev.palisade.eth2.BlsPublicKey> keys = InterchangeAudit.keys(document); // a bad file changes nothing
        // the database belongs to one network (--network): a file of another network is refused
        store.resolveNetwork().genesisValidatorsRoot().ifPresent(protection::pinGenesisValidatorsRoot);
        byte[] existing = null;
        if (protection.genesisValidatorsRoot().isPresent() && !keys.isEmpty()) {
          ByteArrayOutputStream export = new ByteArrayOutputStream();
          protection.exportInterchange(export, keys);
          existing = export.toByteArray();
        }
        InterchangeAudit.Report report = InterchangeAudit.compare(document, existing);
        out.printf("%s: %d validator(s), %d record(s): %d new, %d already present; %d slashable pair(s)%n",
            from, keys.size(), report.records(), report.added(), report.alreadyPresent(), report.conflicts().size());
        report.conflicts().stream().limit(5).forEach(pair -> out.println("  " + pair));
        if (report.conflicts().size() > 5) {
          out.printf("  … and %d more%n", report.conflicts().size() - 5);
        }
        if (!report.conflicts().isEmpty() && !acceptConflicts) {
          out.flush();
          spec.commandLine().getErr().println("palisade: the file holds slashable pairs: nothing was imported;"
              + " rerun with --accept-conflicts to import it anyway (watermarks only go up)");
          return 1;
        }
        protection.importInterchange(new ByteArrayInputStream(document));
        opened.database().confirmIdentity();
      }
      out.println("Imported slashing protection history from " + from);
      return 0;
    }
  }
}
