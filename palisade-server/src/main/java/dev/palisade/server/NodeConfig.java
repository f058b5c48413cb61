package dev.palisade.server;

import dev.palisade.crypto.KeystoreDirectoryLoader;
import dev.palisade.eth2.Network;
import dev.palisade.slashing.SlashingOptions;
import java.io.IOException;
import java.nio.file.Path;
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
    Optional<KeystoreSource> keystores) {

  /** Where slashing history lives; {@code postgresUrl} empty means SQLite in the data path. */
  public record SlashingConfig(
      boolean enabled,
      Optional<String> postgresUrl,
      String username,
      String password,
      SlashingOptions options) {
    public SlashingConfig(boolean enabled, Optional<String> postgresUrl, String username, String password) {
      this(enabled, postgresUrl, username, password, SlashingOptions.defaults());
    }

    public static SlashingConfig embedded() {
      return new SlashingConfig(true, Optional.empty(), null, null);
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
