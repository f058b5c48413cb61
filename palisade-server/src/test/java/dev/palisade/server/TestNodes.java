package dev.palisade.server;

import dev.palisade.eth2.Network;
import java.nio.file.Path;
import java.util.Optional;

/** Builds node configurations for tests: loopback, an ephemeral port, embedded SQLite in a temp dir. */
final class TestNodes {
  private TestNodes() {}

  static NodeConfig sqlite(Network network, Path dataPath) {
    return new NodeConfig(
        new ServerConfig("127.0.0.1", 0, 64 * 1024, 4),
        network,
        dataPath,
        NodeConfig.SlashingConfig.embedded(),
        Optional.empty());
  }

  static NodeConfig postgres(Network network, Path dataPath, String jdbcUrl, String user, String password) {
    return new NodeConfig(
        new ServerConfig("127.0.0.1", 0, 64 * 1024, 4),
        network,
        dataPath,
        new NodeConfig.SlashingConfig(true, Optional.of(jdbcUrl), user, password),
        Optional.empty());
  }
}
