package dev.palisade.server;

import dev.palisade.crypto.KeystoreDirectoryLoader;
import dev.palisade.eth2.Network;
import dev.palisade.server.keys.SealedKeysConfig;
import dev.palisade.slashing.SlashingOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a Palisade node needs to start, already validated and resolved (the CLI turns flags,
 * environment variables and the config file into this).
 */
public record NodeConfig(
    ServerConfig server,
    Network network,
    Path dataPath,
    SlashingConfig slashing,
    Optional<KeystoreSource> keystores,
    AccessConfig access,
    Optional<Path> vaultSocket,
    Map<String, SealedKeysConfig> keks,
    dev.palisade.server.evm.EvmApi.EvmConfig evm) {

  public NodeConfig {
    keks = Map.copyOf(keks);
  }

  /** Without EVM settings ({@code eth_chainId} and {@code eth_sendTransaction} then answer JSON-RPC errors). */
  public NodeConfig(
      ServerConfig server, Network network, Path dataPath, SlashingConfig slashing,
      Optional<KeystoreSource> keystores, AccessConfig access, Optional<Path> vaultSocket,
      Map<String, SealedKeysConfig> keks) {
    this(server, network, dataPath, slashing, keystores, access, vaultSocket, keks,
        dev.palisade.server.evm.EvmApi.EvmConfig.NONE);
  }

  /** The same node with EVM settings: eth_chainId's answer, eth_sendTransaction's downstream node. */
  public NodeConfig withEvm(dev.palisade.server.evm.EvmApi.EvmConfig evm) {
    return new NodeConfig(server, network, dataPath, slashing, keystores, access, vaultSocket, keks, evm);
  }

  /** Without sealed keys: keys come only from {@code --keystores-path} (or a vault process). */
  public NodeConfig(
      ServerConfig server,
      Network network,
      Path dataPath,
      SlashingConfig slashing,
      Optional<KeystoreSource> keystores,
      AccessConfig access,
      Optional<Path> vaultSocket) {
    this(server, network, dataPath, slashing, keystores, access, vaultSocket, Map.of());
  }

  public NodeConfig(
      ServerConfig server,
      Network network,
      Path dataPath,
      SlashingConfig slashing,
      Optional<KeystoreSource> keystores) {
    this(server, network, dataPath, slashing, keystores, AccessConfig.defaults(), Optional.empty(), Map.of());
  }

  public NodeConfig(
      ServerConfig server,
      Network network,
      Path dataPath,
      SlashingConfig slashing,
      Optional<KeystoreSource> keystores,
      AccessConfig access) {
    this(server, network, dataPath, slashing, keystores, access, Optional.empty(), Map.of());
  }

  /** The same node, signing through a {@code palisade vault} process on this socket. */
  public NodeConfig withVaultSocket(Path socket) {
    return new NodeConfig(server, network, dataPath, slashing, keystores, access, Optional.of(socket), keks, evm);
  }

  /**
   * The same node keeping the default operator's keys sealed in the database under the KEK of
   * {@code sealed} (ignored with a vault process, which keeps its own).
   */
  public NodeConfig withSealedKeys(SealedKeysConfig sealed) {
    return withOperatorKek(DEFAULT_OPERATOR, sealed);
  }

  /** The same node also holding {@code operator}'s KEK: that operator's keys are sealed under it. */
  public NodeConfig withOperatorKek(String operator, SealedKeysConfig sealed) {
    Map<String, SealedKeysConfig> more = new java.util.LinkedHashMap<>(keks);
    more.put(operator, sealed);
    return new NodeConfig(server, network, dataPath, slashing, keystores, access, vaultSocket, more, evm);
  }

  /** The operator that keys loaded at start (keystores, a vault process) belong to. */
  public static final String DEFAULT_OPERATOR = "default";

  /**
   * @param clientCaFile PEM bundle of CAs whose client certificates may identify callers (for
   *     identities of the kind "issued by CA X with subject S")
   * @param bootstrapLoopback on a database with no operator, create the default operator and a
   *     loopback identity so a signer on its defaults serves a validator client on the same host
   */
  public record AccessConfig(Optional<Path> clientCaFile, boolean bootstrapLoopback) {
    public static AccessConfig defaults() {
      return new AccessConfig(Optional.empty(), true);
    }
  }

  /**
   * Where slashing history (and with it identities, audit and sealed keys) lives; {@code
   * postgresUrl} empty means SQLite in the data path.
   *
   * @param acceptNewDatabase start even on an empty or different database than the data path used
   *     before (the operator's deliberate choice; see palisade-store's database identity)
   */
  public record SlashingConfig(
      boolean enabled,
      Optional<String> postgresUrl,
      String username,
      String password,
      SlashingOptions options,
      boolean acceptNewDatabase) {
    public SlashingConfig(
        boolean enabled, Optional<String> postgresUrl, String username, String password, SlashingOptions options) {
      this(enabled, postgresUrl, username, password, options, false);
    }

    public SlashingConfig(boolean enabled, Optional<String> postgresUrl, String username, String password) {
      this(enabled, postgresUrl, username, password, SlashingOptions.defaults());
    }

    public static SlashingConfig embedded() {
      return new SlashingConfig(true, Optional.empty(), null, null);
    }

    public SlashingConfig withAcceptNewDatabase(boolean accept) {
      return new SlashingConfig(enabled, postgresUrl, username, password, options, accept);
    }

    @Override
    public String toString() {
      return "SlashingConfig[enabled=" + enabled + ", url=" + postgresUrl.map(u -> u.replaceAll("(?i)(password=)[^&;]*", "$1***"))
          + ", username=" + username + ", password=" + (password == null ? "none" : "***")
          + ", acceptNewDatabase=" + acceptNewDatabase + "]";
    }
  }

  /**
   * EIP-2335 keystores loaded at start, Web3Signer's bulk-loading flags: a passwords directory
   * ({@code <name>.txt} per {@code <name>.json}) or one password file for all.
   */
  public record KeystoreSource(Path keystoresPath, Optional<Path> passwordsPath, Optional<Path> passwordFile) {
    public KeystoreSource {
      if (passwordsPath.isPresent() == passwordFile.isPresent()) {
        throw new IllegalArgumentException(
            "give exactly one of --keystores-passwords-path and --keystores-password-file with --keystores-path");
      }
    }

    /** Decrypts every keystore in parallel; one bad file is reported and never stops the others. */
    public KeystoreDirectoryLoader.Result load() throws IOException {
      KeystoreDirectoryLoader loader = new KeystoreDirectoryLoader();
      return passwordFile.isPresent()
          ? loader.loadWithPasswordFile(keystoresPath, passwordFile.get())
          : loader.loadWithPasswordsDir(keystoresPath, passwordsPath.orElseThrow());
    }
  }
}
