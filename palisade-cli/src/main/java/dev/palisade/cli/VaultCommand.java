package dev.palisade.cli;

import dev.palisade.vault.remote.VaultProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "vault",
    mixinStandardHelpOptions = true,
    description = {
      "Run the key vault as its own process, the only one holding clear keys.",
      "It enforces its own durable high-watermarks and serves the vault protocol on a Unix domain",
      "socket (mode 0600 in a 0700 directory; only --allowed-user may connect). Point the server at",
      "--socket to use it."
    })
final class VaultCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin LoggingOptions logging;

  @Option(names = "--socket", required = true, description = "Socket file to listen on")
  Path socket;

  @Option(
      names = "--data-path",
      required = true,
      description = "Vault data directory: watermarks, and by default vault.db and kek.sealed")
  Path dataPath;

  @Option(
      names = "--network",
      defaultValue = "mainnet",
      description = "Built-in network name or a config.yaml file. Default: ${DEFAULT-VALUE}")
  String network;

  @Option(
      names = "--allowed-user",
      description = "User name or uid allowed to connect (SO_PEERCRED). Default: the vault's own user")
  String allowedUser;

  @Option(names = "--sealed-keys", description = "Load the operator's sealed keys from the database")
  boolean sealedKeys;

  @Option(names = "--operator", defaultValue = "default", description = "Operator whose sealed keys to load. Default: ${DEFAULT-VALUE}")
  String operator;

  @Option(names = "--database-file", description = "SQLite database of sealed keys. Default: <data-path>/vault.db")
  Path databaseFile;

  @Option(names = "--kek-file", description = "Sealed-file KEK. Default: <data-path>/kek.sealed")
  Path kekFile;

  @Option(names = "--kek-passphrase-file", description = "File holding the KEK passphrase")
  Path kekPassphraseFile;

  @Option(
      names = "--kek-passphrase-env",
      description = "Environment variable holding the KEK passphrase. Default: PALISADE_KEK_PASSPHRASE")
  String kekPassphraseEnv;

  @Option(names = "--keystores-path", description = "Directory of EIP-2335 keystores to load")
  Path keystoresPath;

  @Option(names = "--keystores-passwords-path", description = "Directory of per-keystore password files")
  Path keystoresPasswordsPath;

  @Option(names = "--keystores-password-file", description = "One password file for every keystore")
  Path keystoresPasswordFile;

  @Option(
      names = "--raw-key-file",
      hidden = true,
      description = "TESTS ONLY: file of hex secret keys, one per line")
  List<Path> rawKeyFiles = new ArrayList<>();

  @Override
  public Integer call() {
    logging.apply();
    VaultProcess.Config config =
        new VaultProcess.Config(
            socket, network, dataPath, allowedUser, sealedKeys, operator, databaseFile, kekFile,
            kekPassphraseFile, kekPassphraseEnv, keystoresPath, keystoresPasswordsPath,
            keystoresPasswordFile, rawKeyFiles);
    return VaultProcess.run(config, System.out, System.err);
  }
}
