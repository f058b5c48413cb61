package dev.palisade.server;

import dev.palisade.auth.AuditLog;
import dev.palisade.auth.AuthStoreOptions;
import dev.palisade.auth.IdentityStore;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.server.access.AccessControl;
import dev.palisade.server.audit.AuditWriter;
import dev.palisade.server.http.AdminApi;
import dev.palisade.server.http.KeymanagerApi;
import dev.palisade.server.keys.KeyManager;
import dev.palisade.server.keys.VaultOnlyKeyManager;
import dev.palisade.server.keys.SealedKeyManager;
import dev.palisade.server.keys.SealedKeys;
import dev.palisade.server.signing.SigningException;
import dev.palisade.server.audit.AuditingListener;
import dev.palisade.server.metrics.PalisadeMetrics;
import dev.palisade.server.signing.PolicyDecision;
import dev.palisade.server.signing.SigningListener;
import dev.palisade.server.signing.SigningPolicy;
import dev.palisade.server.signing.SigningService;
import dev.palisade.server.signing.SlashingPolicy;
import dev.palisade.slashing.HealthStatus;
import dev.palisade.slashing.SlashingProtection;
import dev.palisade.slashing.SlashingProtections;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.Vault;
import dev.palisade.vault.remote.RemoteVault;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Palisade: database, slashing store, identities and audit log, vault, signing
 * service and HTTP API wired together. The HTTP API listens before keys are loaded so that {@code
 * /healthcheck} answers 503 until they are.
 */
public final class PalisadeNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PalisadeNode.class);
  private static final int AUDIT_QUEUE_CAPACITY = 1_000_000;
  private static final Duration REPLICATION_RECHECK = Duration.ofSeconds(30);
  /**
   * Revocations are polled every 250 ms, so they take effect well within a second. Authentication
   * fails closed only when the view could not be refreshed for 5 s: a busy 2-core host can starve
   * the poller for longer than a second, and a spurious 503 costs a validator its duty.
   */
  private static final AuthStoreOptions IDENTITY_REFRESH =
      new AuthStoreOptions(Duration.ofMillis(250), Duration.ofSeconds(5), Clock.systemUTC());

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final PalisadeMetrics metrics = new PalisadeMetrics();
  /** Null when keys live in a separate vault process. */
  private final InProcessVault inProcessVault;
  private final Vault vault;
  private final AtomicBoolean keysLoaded = new AtomicBoolean(false);
  private final SlashingProtection slashing;
  /** PostgreSQL only: failover durability for /healthcheck and the log. */
  private final ReplicationMonitor replication;
  private final AccessControl access;
  /** Runtime key management (Keymanager API); replaced by a durable one when sealed keys are on. */
  private volatile KeyManager keyManager;
  private final AuditLog auditLog;
  private final AuditWriter auditWriter;
  private final PalisadeServer server;

  private PalisadeNode(NodeConfig config) {
    if (config.vaultSocket().isPresent()) {
      this.inProcessVault = null;
      this.vault = new RemoteVault(config.vaultSocket().get());
    } else {
      this.inProcessVault = new InProcessVault();
      this.vault = inProcessVault;
      this.keyManager = new VaultOnlyKeyManager(inProcessVault);
    }
    try {
      this.slashing = openSlashingProtection(config);
      if (slashing != null) {
        resources.add(slashing);
        // a database that recorded another network's history must not be used for this one
        config.network().genesisValidatorsRoot().ifPresent(slashing::pinGenesisValidatorsRoot);
      }
      this.replication = slashing == null ? null : ReplicationMonitor.start(slashing, REPLICATION_RECHECK).orElse(null);
      if (replication != null) {
        resources.add(replication);
      }
      Database database = Database.open(config.slashing(), config.dataPath());
      resources.add(database);
      // Before anything else writes: a wrong KEK passphrase stops the start here, having changed nothing.
      SealedKeys sealedKeys =
          inProcessVault != null && config.sealedKeys().isPresent()
              ? SealedKeys.open(config.sealedKeys().get(), database, dev.palisade.vault.seal.OperatorId.DEFAULT)
              : null;
      if (sealedKeys != null) {
        resources.add(sealedKeys);
      }
      IdentityStore identities =
          IdentityStore.open(database.dataSource(), database.dialect(), IDENTITY_REFRESH);
      resources.add(identities);
      this.access = new AccessControl(identities, readCertificates(config.access()));
      if (config.access().bootstrapLoopback()) {
        access.bootstrapIfEmpty();
      }
      if (sealedKeys != null && sealedKeys.kek().isPresent()) {
        this.keyManager = new SealedKeyManager(sealedKeys, inProcessVault, this::registerKeys);
      }
      this.auditLog = AuditLog.open(database.dataSource(), database.dialect());
      this.auditWriter = new AuditWriter(auditLog, AUDIT_QUEUE_CAPACITY);
      resources.add(auditWriter);
      AuditingListener auditing = new AuditingListener(auditWriter, Clock.systemUTC());

      SigningService signing =
          new SigningService(
              config.network(),
              vault,
              access.authorizer(),
              policies(),
              keysLoaded::get,
              SigningListener.all(metrics, auditing));
      metrics.bindKeys(AccessControl.DEFAULT_OPERATOR.value(), () -> loadedKeyCount());
      metrics.bindVaultHealth(this::vaultUp);
      if (slashing != null) {
        metrics.bindSlashingStore(slashing);
      }
      this.server =
          PalisadeServer.start(
              config.server(),
              new PalisadeServer.Services(
                  signing,
                  access,
                  vault::publicKeys,
                  healthChecks(),
                  metrics,
                  reason -> {
                    metrics.unauthenticated();
                    auditing.unauthenticated(reason);
                  },
                  new AdminApi(access, auditLog),
                  new KeymanagerApi(access, this::keyManager, slashing)));
    } catch (RuntimeException e) {
      closeResources();
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

  /** A remote vault answers LIST_KEYS over the socket; a failure counts as none. */
  private int loadedKeyCount() {
    try {
      return vault.publicKeys().size();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private boolean vaultUp() {
    if (vault instanceof RemoteVault remote) {
      try {
        remote.health();
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  private List<HealthCheck> healthChecks() {
    List<HealthCheck> checks = new ArrayList<>();
    if (inProcessVault == null) {
      checks.add(() -> vaultUp() ? HealthCheck.Result.up("vault", Map.of()) : HealthCheck.Result.down("vault", Map.of()));
    }
    checks.add(
        () -> {
          Map<String, Object> data = Map.of("keys-loaded", loadedKeyCount());
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
    if (replication != null) {
      checks.add(replication);
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

  private static List<X509Certificate> readCertificates(NodeConfig.AccessConfig access) {
    if (access.clientCaFile().isEmpty()) {
      return List.of();
    }
    Path file = access.clientCaFile().get();
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certificates = new ArrayList<>();
      for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) certificate);
      }
      return certificates;
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException("cannot read client CA file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Registers the keys with the slashing store and their operator, hands them to the vault (which
   * takes ownership) and marks the node ready. Returns how many distinct keys were added.
   */
  /**
   * Opens the default operator's sealed keys into the in-process vault and registers them (slashing
   * store, default operator), without marking the node ready: {@link #addKeys} does that once
   * keystore keys, if any, are in too. Empty when no KEK is configured.
   */
  public Optional<dev.palisade.vault.keys.LoadSummary> loadSealedKeys() {
    if (!(keyManager instanceof SealedKeyManager sealed)) {
      return Optional.empty();
    }
    try {
      return Optional.of(sealed.loadAll());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading sealed keys", e);
    }
  }

  /** Makes keys signable beyond the vault: slashing store registration, the default operator. */
  private void registerKeys(List<BlsPublicKey> publicKeys) {
    if (publicKeys.isEmpty()) {
      return;
    }
    if (slashing != null) {
      slashing.registerValidators(publicKeys);
    }
    // Skip keys the operator already owns: one query instead of a read per key on every start.
    java.util.Set<BlsPublicKey> owned =
        new java.util.HashSet<>(access.store().keysOf(AccessControl.DEFAULT_OPERATOR));
    List<BlsPublicKey> unowned = publicKeys.stream().filter(key -> !owned.contains(key)).toList();
    if (!unowned.isEmpty()) {
      access.assignToDefaultOperator(unowned);
    }
  }

  public int addKeys(Collection<BlsSecretKey> keys) {
    if (inProcessVault == null) {
      throw new IllegalStateException("keys are loaded by the vault process, not by the server");
    }
    List<BlsPublicKey> publicKeys = keys.stream().map(BlsSecretKey::publicKey).toList();
    if (slashing != null && !publicKeys.isEmpty()) {
      slashing.registerValidators(publicKeys);
    }
    access.assignToDefaultOperator(publicKeys);
    if (keyManager instanceof VaultOnlyKeyManager vaultOnly) {
      vaultOnly.markReadOnly(publicKeys); // they come back from --keystores-path at every start
    }
    int added = 0;
    for (BlsSecretKey key : keys) {
      if (inProcessVault.add(key)) {
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

  /**
   * With a separate vault process: registers the keys it holds (slashing store, default operator)
   * and marks the node ready. Returns how many keys the vault holds.
   */
  public int adoptVaultKeys() {
    List<BlsPublicKey> publicKeys = List.copyOf(vault.publicKeys());
    if (slashing != null && !publicKeys.isEmpty()) {
      slashing.registerValidators(publicKeys);
    }
    access.assignToDefaultOperator(publicKeys);
    keysLoaded.set(true);
    return publicKeys.size();
  }

  public java.util.Set<BlsPublicKey> loadedKeys() {
    return vault.publicKeys();
  }

  /** Adds and removes keys at runtime; throws with a separate vault process, which owns its keys. */
  public KeyManager keyManager() {
    if (keyManager == null) {
      throw new SigningException.Unavailable("keys are managed by the vault process");
    }
    return keyManager;
  }

  public void useKeyManager(KeyManager manager) {
    this.keyManager = manager;
  }

  public boolean usesVaultProcess() {
    return inProcessVault == null;
  }

  /** The in-process vault (tests and key management); null with a vault process. */
  public InProcessVault vault() {
    return inProcessVault;
  }

  public SlashingProtection slashingProtection() {
    return slashing;
  }

  public AccessControl access() {
    return access;
  }

  public AuditLog auditLog() {
    return auditLog;
  }

  public AuditWriter auditWriter() {
    return auditWriter;
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    vault.close(); // a remote vault only closes its connections
    closeResources();
  }

  /** In reverse order of opening: the audit writer drains before the database closes. */
  private void closeResources() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      AutoCloseable resource = resources.get(i);
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("closing {}: {}", resource.getClass().getSimpleName(), e.getMessage());
      }
    }
    resources.clear();
  }
}
