package dev.palisade.server;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.server.metrics.PalisadeMetrics;
import dev.palisade.server.signing.PolicyDecision;
import dev.palisade.server.signing.SigningPolicy;
import dev.palisade.server.signing.SigningService;
import dev.palisade.server.signing.SlashingPolicy;
import dev.palisade.slashing.HealthStatus;
import dev.palisade.slashing.SlashingProtection;
import dev.palisade.slashing.SlashingProtections;
import dev.palisade.vault.InProcessVault;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Palisade: slashing store, vault, signing service and HTTP API wired together. The
 * HTTP API listens before keys are loaded so that {@code /healthcheck} answers 503 until they are.
 */
public final class PalisadeNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PalisadeNode.class);
  /** Every key belongs to this operator until the auth issue brings operators. */
  private static final String DEFAULT_OPERATOR = "default";

  private final SlashingProtection slashing;
  private final PalisadeMetrics metrics = new PalisadeMetrics();
  private final InProcessVault vault = new InProcessVault();
  private final AtomicBoolean keysLoaded = new AtomicBoolean(false);
  private final PalisadeServer server;

  private PalisadeNode(NodeConfig config) {
    this.slashing = openSlashingProtection(config);
    try {
      if (slashing != null) {
        // a database that recorded another network's history must not be used for this one
        config.network().genesisValidatorsRoot().ifPresent(slashing::pinGenesisValidatorsRoot);
      }
      SigningService signing =
          new SigningService(config.network(), vault, policies(), keysLoaded::get, metrics);
      metrics.bindKeys(DEFAULT_OPERATOR, () -> vault.publicKeys().size());
      metrics.bindVaultHealth(() -> true);
      if (slashing != null) {
        metrics.bindSlashingStore(slashing);
      }
      this.server =
          PalisadeServer.start(config.server(), signing, vault::publicKeys, healthChecks(), metrics);
    } catch (RuntimeException e) {
      if (slashing != null) {
        slashing.close();
      }
      throw e;
    }
  }

  /** Opens the stores and starts listening; then hand it keys with {@link #addKeys}. */
  public static PalisadeNode start(NodeConfig config) {
    return new PalisadeNode(config);
  }

  private List<SigningPolicy> policies() {
    if (slashing == null) {
      LOG.warn("SLASHING PROTECTION IS DISABLED: nothing stops a double vote or a double proposal");
      return List.of(context -> PolicyDecision.ALLOW);
    }
    return List.of(new SlashingPolicy(slashing, metrics.slashingCheckTimer()));
  }

  private List<HealthCheck> healthChecks() {
    List<HealthCheck> checks = new ArrayList<>();
    checks.add(
        () -> {
          Map<String, Object> data = Map.of("keys-loaded", vault.publicKeys().size());
          return keysLoaded.get()
              ? HealthCheck.Result.up("keys-check", data)
              : HealthCheck.Result.down("keys-check", data);
        });
    if (slashing != null) {
      checks.add(
          () -> {
            HealthStatus health = slashing.health();
            return health.up()
                ? HealthCheck.Result.up("slashing-protection-db-health-check", Map.of())
                : HealthCheck.Result.down(
                    "slashing-protection-db-health-check", Map.of("error", health.message()));
          });
    }
    return checks;
  }

  private static SlashingProtection openSlashingProtection(NodeConfig config) {
    NodeConfig.SlashingConfig slashingConfig = config.slashing();
    if (!slashingConfig.enabled()) {
      return null;
    }
    if (slashingConfig.postgresUrl().isPresent()) {
      return SlashingProtections.postgres(
          slashingConfig.postgresUrl().get(),
          slashingConfig.username(),
          slashingConfig.password(),
          slashingConfig.options());
    }
    try {
      Files.createDirectories(config.dataPath());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot create data path " + config.dataPath() + ": " + e.getMessage(), e);
    }
    return SlashingProtections.sqlite(config.dataPath(), slashingConfig.options());
  }

  /**
   * Registers the keys with the slashing store, hands them to the vault (which takes ownership) and
   * marks the node ready. Returns how many distinct keys were added.
   */
  public int addKeys(Collection<BlsSecretKey> keys) {
    List<BlsPublicKey> publicKeys = keys.stream().map(BlsSecretKey::publicKey).toList();
    if (slashing != null && !publicKeys.isEmpty()) {
      slashing.registerValidators(publicKeys);
    }
    int added = 0;
    for (BlsSecretKey key : keys) {
      if (vault.add(key)) {
        added++;
      }
    }
    keysLoaded.set(true);
    return added;
  }

  public int port() {
    return server.port();
  }

  /** The bound metrics port, or -1 when metrics are off. */
  public int metricsPort() {
    return server.metricsPort();
  }

  public InProcessVault vault() {
    return vault;
  }

  public SlashingProtection slashingProtection() {
    return slashing;
  }

  @Override
  public void close() {
    server.close();
    vault.close();
    if (slashing != null) {
      slashing.close();
    }
  }
}
