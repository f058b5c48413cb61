package dev.palisade.vault.remote;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.KeystoreDirectoryLoader;
import dev.palisade.crypto.SecretBytes;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.Networks;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.PassphraseSource;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.vault.keys.LoadSummary;
import dev.palisade.vault.keys.SealedKeyLoader;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.store.SealedKeyStore;
import dev.palisade.store.Database;
import dev.palisade.store.Dialect;
import dev.palisade.vault.watermark.FileWatermarkStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The vault as its own process ({@code palisade vault}, or {@link #main} directly): loads keys,
 * enforces durable watermarks kept in the data directory, serves {@link VaultProtocol} on a Unix
 * domain socket until SIGTERM, and prints one {@code vault ready} line when it accepts requests.
 */
public final class VaultProcess {
  private VaultProcess() {}

  /**
   * What the vault process loads and where it listens.
   *
   * @param socket the socket file (its directory is created 0700, or must already be 0700)
   * @param network name of a built-in network, or a config.yaml file
   * @param dataPath watermarks ({@value FileWatermarkStore#FILE_NAME}) and, by default, the sealed
   *     key database ({@code vault.db}) and KEK file ({@code kek.sealed})
   * @param allowedUser user name or uid allowed to connect; null = the vault's own user
   * @param sealedKeys whether to load the sealed keys of {@code operator} from the database
   * @param databaseFile the SQLite database of sealed keys (null: {@code dataPath/vault.db})
   * @param kekFile the sealed-file KEK (null: {@code dataPath/kek.sealed})
   * @param passphraseFile file holding the KEK passphrase (or null: {@code passphraseEnv})
   * @param passphraseEnv environment variable holding the KEK passphrase
   * @param keystoresPath EIP-2335 keystores to load (tests, migrations), or null
   * @param keystoresPasswordsPath a directory of per-keystore password files, or null
   * @param keystoresPasswordFile one password file for every keystore, or null
   * @param rawKeyFiles files of hex secret keys, one per line (tests only; never in production)
   */
  public record Config(
      Path socket,
      String network,
      Path dataPath,
      String allowedUser,
      boolean sealedKeys,
      String operator,
      Path databaseFile,
      Path kekFile,
      Path passphraseFile,
      String passphraseEnv,
      Path keystoresPath,
      Path keystoresPasswordsPath,
      Path keystoresPasswordFile,
      List<Path> rawKeyFiles) {
    public Config {
      rawKeyFiles = rawKeyFiles == null ? List.of() : List.copyOf(rawKeyFiles);
      if (socket == null || dataPath == null) {
        throw new IllegalArgumentException("--socket and --data-path are required");
      }
      network = network == null ? "mainnet" : network;
      operator = operator == null ? OperatorId.DEFAULT.value() : operator;
    }
  }

  /** A running vault; {@link #close()} stops it. */
  public static final class Running implements AutoCloseable {
    private final VaultServer server;
    private final InProcessVault vault;
    private final CountDownLatch stopped = new CountDownLatch(1);

    Running(VaultServer server, InProcessVault vault) {
      this.server = server;
      this.vault = vault;
    }

    public int keyCount() {
      return vault.publicKeys().size();
    }

    public void await() throws InterruptedException {
      stopped.await();
    }

    @Override
    public void close() {
      server.close();
      vault.close();
      stopped.countDown();
    }
  }

  public static Network resolveNetwork(String network) throws java.io.IOException {
    Path asFile = Path.of(network);
    if (Files.isRegularFile(asFile)) {
      return Networks.fromConfigYaml(Files.readString(asFile));
    }
    return Networks.named(network);
  }

  /** Loads the keys and starts serving; returns once the vault accepts requests. */
  public static Running start(Config config, PrintStream out) throws Exception {
    Network network = resolveNetwork(config.network());
    InProcessVault vault = new InProcessVault(FileWatermarkStore.open(config.dataPath()));
    KekRing keks = null;
    try {
      if (config.sealedKeys()) {
        Path kekFile = config.kekFile() != null ? config.kekFile() : config.dataPath().resolve(SealedFileKek.DEFAULT_FILE_NAME);
        try (Passphrase passphrase =
            config.passphraseFile() != null
                ? PassphraseSource.fromFile(config.passphraseFile())
                : PassphraseSource.fromEnvironment(
                    config.passphraseEnv() != null ? config.passphraseEnv() : "PALISADE_KEK_PASSPHRASE")) {
          keks = KekRing.of(SealedFileKek.open(kekFile, passphrase));
        }
        Path db = config.databaseFile() != null ? config.databaseFile() : config.dataPath().resolve("vault.db");
        LoadSummary summary;
        int evm = 0;
        try (Database database = SealedKeyStore.openSqlite(db)) {
          SealedKeyStore store = new SealedKeyStore(database.dataSource(), Dialect.SQLITE);
          summary = new SealedKeyLoader(store, keks).loadInto(vault, new OperatorId(config.operator()));
          for (var record : new dev.palisade.vault.store.SealedEvmKeyStore(store).list(new OperatorId(config.operator()))) {
            try {
              evm += vault.evm().add(dev.palisade.vault.keys.EvmKeySealer.open(record, keks)) ? 1 : 0;
            } catch (dev.palisade.vault.seal.SealedKeyException e) {
              out.printf("sealed EVM key %s did not open: %s%n", record.address(), e.kind());
            }
          }
        }
        out.printf("loaded %d sealed keys (%d failed) in %d ms%n",
            summary.loaded(), summary.failures().size(), summary.elapsed().toMillis());
        out.printf("loaded %d sealed EVM keys%n", evm);
      }
      if (config.keystoresPath() != null) {
        KeystoreDirectoryLoader loader = new KeystoreDirectoryLoader();
        KeystoreDirectoryLoader.Result result =
            config.keystoresPasswordsPath() != null
                ? loader.loadWithPasswordsDir(config.keystoresPath(), config.keystoresPasswordsPath())
                : loader.loadWithPasswordFile(config.keystoresPath(), config.keystoresPasswordFile());
        vault.addAll(result.secretKeys());
        result.errors().forEach(error -> out.println("keystore " + error.fileName() + ": " + error.reason()));
      }
      for (Path file : config.rawKeyFiles()) {
        vault.addAll(readRawKeys(file));
      }
      VaultServer server =
          VaultServer.start(
              config.socket(),
              vault,
              network,
              keks,
              config.allowedUser() == null ? PeerCredentials.currentUser() : PeerCredentials.user(config.allowedUser()));
      Running running = new Running(server, vault);
      out.printf("vault ready: %d keys on %s (pid %d)%n", running.keyCount(), config.socket(), ProcessHandle.current().pid());
      out.flush();
      return running;
    } catch (Exception | Error e) {
      vault.close();
      throw e;
    }
  }

  private static List<BlsSecretKey> readRawKeys(Path file) throws java.io.IOException {
    List<BlsSecretKey> keys = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      String hex = line.strip();
      if (hex.isEmpty() || hex.startsWith("#")) {
        continue;
      }
      try (SecretBytes secret = SecretBytes.takeOwnership(Hex.decode(hex))) {
        keys.add(BlsSecretKey.fromBytes(secret));
      }
    }
    return keys;
  }

  /** Runs until SIGTERM/SIGINT. Exit code 0 on a clean stop, 1 if the vault cannot start. */
  public static int run(Config config, PrintStream out, PrintStream err) {
    Running running;
    try {
      running = start(config, out);
    } catch (Exception e) {
      err.println("vault failed to start: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "vault-shutdown"));
    try {
      running.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * {@code --socket PATH --data-path DIR [--network NAME|FILE] [--allowed-user NAME|UID]
   * [--sealed-keys --operator ID --kek-file F --kek-passphrase-file F] [--keystores-path DIR
   * (--keystores-passwords-path DIR | --keystores-password-file F)] [--raw-key-file F]...}
   */
  public static void main(String[] args) {
    Path socket = null, dataPath = null, db = null, kek = null, passFile = null;
    Path keystores = null, keystorePasswords = null, keystorePasswordFile = null;
    String network = null, allowed = null, operator = null, passEnv = null;
    boolean sealed = false;
    List<Path> raw = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--sealed-keys")) {
        sealed = true;
        continue;
      }
      if (i + 1 >= args.length) {
        System.err.println("missing value for " + arg);
        System.exit(2);
      }
      String value = args[++i];
      switch (arg) {
        case "--socket" -> socket = Path.of(value);
        case "--data-path" -> dataPath = Path.of(value);
        case "--network" -> network = value;
        case "--allowed-user" -> allowed = value;
        case "--operator" -> operator = value;
        case "--database-file" -> db = Path.of(value);
        case "--kek-file" -> kek = Path.of(value);
        case "--kek-passphrase-file" -> passFile = Path.of(value);
        case "--kek-passphrase-env" -> passEnv = value;
        case "--keystores-path" -> keystores = Path.of(value);
        case "--keystores-passwords-path" -> keystorePasswords = Path.of(value);
        case "--keystores-password-file" -> keystorePasswordFile = Path.of(value);
        case "--raw-key-file" -> raw.add(Path.of(value));
        default -> {
          System.err.println("unknown option " + arg);
          System.exit(2);
        }
      }
    }
    Config config =
        new Config(socket, network, dataPath, allowed, sealed, operator, db, kek, passFile, passEnv,
            keystores, keystorePasswords, keystorePasswordFile, raw);
    System.exit(run(config, System.out, System.err));
  }
}
