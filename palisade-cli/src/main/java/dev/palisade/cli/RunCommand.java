package dev.palisade.cli;

import dev.palisade.crypto.KeystoreDirectoryLoader;
import dev.palisade.eth2.Network;
import dev.palisade.server.NodeConfig;
import dev.palisade.server.PalisadeNode;
import dev.palisade.server.ServerConfig;
import dev.palisade.server.TlsConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import dev.palisade.server.keys.SealedKeysConfig;
import dev.palisade.vault.kek.PassphraseSource;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Start the signer: the Web3Signer-compatible eth2 HTTP API on --http-listen-port.")
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingOptions logging;

  @Mixin StoreOptions store;

  @Mixin KekOptions kek;

  @Option(
      names = "--key-load-failures-tolerated",
      defaultValue = "false",
      arity = "1",
      description = "Report UP in /healthcheck even when some configured keystores or sealed keys failed to"
          + " load (they are counted there either way). Default: ${DEFAULT-VALUE}")
  boolean keyLoadFailuresTolerated;

  @Option(
      names = "--operator-kek-passphrase-file",
      paramLabel = "OPERATOR=FILE",
      description = "Also hold OPERATOR's own key-wrapping key <data-path>/kek-OPERATOR.sealed (created on its"
          + " first import), opened with the passphrase in FILE: that operator's keys are sealed under it and"
          + " no other. Repeatable.")
  Map<String, Path> operatorKekPassphraseFiles = new LinkedHashMap<>();

  @Option(names = "--evm-chain-id",
      description = "EVM chain id that eth_chainId answers (as Web3Signer's --chain-id); each transaction names its own")
  java.math.BigInteger evmChainId;

  @Option(names = "--evm-downstream-url",
      description = "EVM node (JSON-RPC) that eth_sendTransaction fills missing nonce, gas and fees from and sends to")
  java.net.URI evmDownstreamUrl;

  @Option(names = "--config-file", description = "YAML file of option values (keys are option names without dashes)")
  Path configFile;

  @Option(names = "--http-listen-host", defaultValue = "127.0.0.1",
      description = "Address the signing API listens on; anything but loopback needs TLS (or"
          + " --insecure-allow-plaintext-remote). Default: ${DEFAULT-VALUE}")
  String host;

  @Option(names = "--http-listen-port", defaultValue = "9000",
      description = "Port of the signing API (0: any free port). Default: ${DEFAULT-VALUE}")
  int port;

  @Option(
      names = "--http-max-request-body-size",
      defaultValue = "4194304",
      description = "Larger requests get 413. Default: ${DEFAULT-VALUE} bytes")
  int maxBodyBytes;

  @Option(
      names = "--signing-threads",
      description = "Threads for work that waits: admin and Keymanager calls, batches, EVM signing, exits and deposits"
          + " (audited before the answer), policy counters and approvals, a vault process. Other eth2 signing requests are"
          + " decided and signed on the event loops (one per core). Default: max(64, 8 x cores)")
  Integer signingThreads;

  @Option(
      names = "--metrics-enabled",
      defaultValue = "true",
      arity = "1",
      description = "Serve Prometheus metrics at /metrics on --metrics-port. Default: ${DEFAULT-VALUE}")
  boolean metricsEnabled;

  @Option(names = "--metrics-host", defaultValue = "127.0.0.1", description = "Default: ${DEFAULT-VALUE}")
  String metricsHost;

  @Option(names = "--metrics-port", defaultValue = "9001", description = "Default: ${DEFAULT-VALUE}")
  int metricsPort;

  @Option(
      names = "--signing-queue-limit",
      defaultValue = "50000",
      description = "Requests waiting for one of the --signing-threads beyond this get 503. Default: ${DEFAULT-VALUE}")
  int signingQueueLimit;

  @Option(names = "--tls-keystore-file", description = "PKCS#12 keystore with the server's certificate and key: turns on HTTPS")
  Path tlsKeystoreFile;

  @Option(names = "--tls-keystore-password-file", description = "File holding the PKCS#12 keystore password")
  Path tlsKeystorePasswordFile;

  @Option(names = "--tls-certificate-file", description = "PEM certificate chain (instead of a PKCS#12 keystore)")
  Path tlsCertificateFile;

  @Option(names = "--tls-private-key-file", description = "PEM private key for --tls-certificate-file")
  Path tlsPrivateKeyFile;

  @Option(
      names = "--tls-client-ca-file",
      description = "PEM CAs whose client certificates can identify callers (identities of --type cert with --ca-file)")
  Path tlsClientCaFile;

  @Option(
      names = "--insecure-allow-plaintext-remote",
      description = "Serve plaintext HTTP on a non-loopback address. Anyone on the path can read and replay requests.")
  boolean allowPlaintextRemote;

  @Option(
      names = "--bootstrap-loopback-identity",
      defaultValue = "true",
      arity = "1",
      description = "On a database with no operator, create operator 'default' and identity 'loopback'"
          + " (127.0.0.1, ::1; every signing scope) so a local validator client works. Default: ${DEFAULT-VALUE}")
  boolean bootstrapLoopback;

  @Option(
      names = "--vault-socket",
      description = "Sign through a separate `palisade vault` process on this Unix socket: the server then holds no key")
  Path vaultSocket;

  @Option(names = "--keystores-path", description = "Directory of EIP-2335 keystores (*.json) to load at start")
  Path keystoresPath;

  @Option(
      names = "--keystores-passwords-path",
      description = "Directory with one <name>.txt password per <name>.json keystore")
  Path keystoresPasswordsPath;

  @Option(names = "--keystores-password-file", description = "One password file for every keystore")
  Path keystoresPasswordFile;

  @Override
  public Integer call() throws IOException {
    logging.apply();
    PrintWriter out = spec.commandLine().getOut();
    Network network = store.resolveNetwork();
    Optional<NodeConfig.KeystoreSource> keystores = keystoreSource();
    ServerConfig serverConfig =
        new ServerConfig(
            host,
            port,
            maxBodyBytes,
            signingThreads != null ? signingThreads : ServerConfig.defaultSigningThreads(),
            signingQueueLimit,
            metricsHost,
            metricsEnabled ? metricsPort : ServerConfig.METRICS_DISABLED,
            tlsConfig(),
            allowPlaintextRemote);
    NodeConfig config =
        new NodeConfig(
            serverConfig,
            network,
            store.dataPath,
            store.slashingConfig(),
            keystores,
            new NodeConfig.AccessConfig(Optional.ofNullable(tlsClientCaFile), bootstrapLoopback),
            Optional.ofNullable(vaultSocket));
    if (vaultSocket == null) {
      config = config.withSealedKeys(kek.config(store.dataPath)); // sealed keys: the default key store
      for (var operatorKek : operatorKekConfigs(store.dataPath).entrySet()) {
        config = config.withOperatorKek(operatorKek.getKey(), operatorKek.getValue());
      }
    }
    config = config.withEvm(new dev.palisade.server.evm.EvmApi.EvmConfig(
        Optional.ofNullable(evmChainId), Optional.ofNullable(evmDownstreamUrl)));
    if (vaultSocket != null && keystores.isPresent()) {
      throw new IllegalArgumentException("with --vault-socket the vault process loads the keys: drop --keystores-path");
    }

    PalisadeNode node = PalisadeNode.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  stopped.countDown();
                },
                "palisade-shutdown"));
    out.printf(
        "Palisade listening on %s://%s:%d (network %s; slashing protection: %s)%n",
        serverConfig.tls().isPresent() ? "https" : "http", host, node.port(), network.name(),
        store.describeSlashingStore());
    if (node.metricsPort() >= 0) {
      out.printf("Metrics at http://%s:%d/metrics%n", metricsHost, node.metricsPort());
    }
    out.flush();

    if (vaultSocket != null) {
      out.printf("Signing through the vault process at %s: it holds %d key(s)%n", vaultSocket, node.adoptVaultKeys());
    } else if (keystores.isPresent()) {
      printSealedKeys(out, node);
      long started = System.nanoTime();
      KeystoreDirectoryLoader.Result result = keystores.get().load();
      int added = node.addKeys(result.secretKeys(), result.errors().size(), keyLoadFailuresTolerated);
      out.printf(
          "Loaded %d key(s) from %s in %.1f s%s%n",
          added,
          keystores.get().keystoresPath(),
          (System.nanoTime() - started) / 1e9,
          result.errors().isEmpty() ? "" : "; " + result.errors().size() + " keystore(s) failed:");
      result.errors().forEach(error -> out.printf("  %s: %s%n", error.fileName(), error.reason()));
    } else if (printSealedKeys(out, node)) {
      node.addKeys(List.of(), 0, keyLoadFailuresTolerated);
    } else {
      node.addKeys(List.of(), 0, keyLoadFailuresTolerated);
      out.println(
          "Holding no keys. Add EIP-2335 keystores with --keystores-path DIR and"
              + " --keystores-password-file FILE (or --keystores-passwords-path DIR).");
    }
    if (vaultSocket == null) {
      reloadOnHangup(node);
    }
    out.printf("Ready: %d key(s); sign at POST /api/v1/eth2/sign/{pubkey}%n", node.loadedKeys().size());
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** SIGHUP (systemctl reload) reloads keys, as POST /reload does, off the signal thread. */
  private static void reloadOnHangup(PalisadeNode node) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> new Thread(() -> {
        try {
          node.reload();
        } catch (RuntimeException e) {
          org.slf4j.LoggerFactory.getLogger(RunCommand.class).warn("reload on SIGHUP failed: {}", e.getMessage());
        }
      }, "palisade-reload").start());
    } catch (IllegalArgumentException e) {
      // no SIGHUP on this platform: POST /reload still works
    }
  }

  /** Loads the sealed keys (when a KEK is configured) and says so; false if there were none. */
  private static boolean printSealedKeys(PrintWriter out, PalisadeNode node) {
    Optional<dev.palisade.vault.keys.LoadSummary> sealed = node.loadSealedKeys();
    if (sealed.isEmpty()) {
      return false;
    }
    dev.palisade.vault.keys.LoadSummary summary = sealed.get();
    out.printf(
        "Loaded %d sealed key(s) in %.1f s%s%n",
        summary.loaded(),
        summary.elapsed().toMillis() / 1000.0,
        summary.failures().isEmpty() ? "" : "; " + summary.failures().size() + " did not open:");
    summary.failures().forEach(failure -> out.printf("  %s: %s%n", failure.publicKey(), failure.message()));
    out.flush();
    return summary.loaded() + summary.alreadyHeld() + summary.failures().size() > 0;
  }

  /** Each extra operator's sealed-file KEK: {@code kek-<operator>.sealed} in the data path. */
  private Map<String, SealedKeysConfig> operatorKekConfigs(Path dataPath) {
    Map<String, SealedKeysConfig> configs = new LinkedHashMap<>();
    operatorKekPassphraseFiles.forEach((operator, file) -> {
      new dev.palisade.vault.seal.OperatorId(operator); // a name that is safe in a file name
      if (NodeConfig.DEFAULT_OPERATOR.equals(operator) || "root".equals(operator)) {
        throw new IllegalArgumentException("--operator-kek-passphrase-file " + operator + "=…: the default"
            + " operator's KEK is set with --kek-passphrase-file, and the root operator holds no keys");
      }
      configs.put(operator, new SealedKeysConfig(
          dataPath.resolve("kek-" + operator + ".sealed"),
          Optional.of(() -> PassphraseSource.fromFile(file)),
          Optional.empty()));
    });
    return configs;
  }

  private Optional<TlsConfig> tlsConfig() {
    if (tlsKeystoreFile == null && tlsCertificateFile == null && tlsPrivateKeyFile == null) {
      return Optional.empty();
    }
    return Optional.of(
        new TlsConfig(
            Optional.ofNullable(tlsKeystoreFile),
            Optional.ofNullable(tlsKeystorePasswordFile),
            Optional.ofNullable(tlsCertificateFile),
            Optional.ofNullable(tlsPrivateKeyFile)));
  }

  private Optional<NodeConfig.KeystoreSource> keystoreSource() {
    if (keystoresPath == null) {
      if (keystoresPasswordsPath != null || keystoresPasswordFile != null) {
        throw new IllegalArgumentException("a keystore password option needs --keystores-path");
      }
      return Optional.empty();
    }
    // checked before anything starts: a wrong path is one clear line, not a failure after "listening"
    if (!java.nio.file.Files.isDirectory(keystoresPath)) {
      throw new IllegalArgumentException("cannot read --keystores-path " + keystoresPath + ": no such directory");
    }
    if (keystoresPasswordFile != null) {
      OptionFiles.requireReadable("--keystores-password-file", keystoresPasswordFile);
    }
    if (keystoresPasswordsPath != null && !java.nio.file.Files.isDirectory(keystoresPasswordsPath)) {
      throw new IllegalArgumentException(
          "cannot read --keystores-passwords-path " + keystoresPasswordsPath + ": no such directory");
    }
    return Optional.of(
        new NodeConfig.KeystoreSource(
            keystoresPath, Optional.ofNullable(keystoresPasswordsPath), Optional.ofNullable(keystoresPasswordFile)));
  }
}
