package dev.palisade.server;

import dev.palisade.auth.AuditLog;
import dev.palisade.auth.AuthStoreOptions;
import dev.palisade.auth.IdentityStore;
import dev.palisade.auth.TotpStore;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.server.access.AccessControl;
import dev.palisade.server.audit.AuditWriter;
import dev.palisade.server.http.AdminApi;
import dev.palisade.server.http.KeymanagerApi;
import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.server.access.LoopbackOnly;
import dev.palisade.server.keys.Actor;
import dev.palisade.server.keys.KeyRegistry;
import dev.palisade.server.keys.OperatorKeks;
import dev.palisade.server.totp.ApproverTotp;
import dev.palisade.server.logging.RefusalLog;
import dev.palisade.vault.keys.LoadSummary;
import java.time.Instant;
import dev.palisade.server.http.ApiException;
import dev.palisade.server.audit.AuditingListener;
import dev.palisade.server.metrics.PalisadeMetrics;
import dev.palisade.server.signing.SigningListener;
import dev.palisade.server.signing.SigningPolicy;
import dev.palisade.server.signing.NodeWatermarkPolicy;
import dev.palisade.server.signing.SigningService;
import dev.palisade.server.signing.SlashingPolicy;
import dev.palisade.server.signing.PolicyGate;
import dev.palisade.server.http.PolicyAdminApi;
import dev.palisade.policy.ApprovalStore;
import dev.palisade.policy.CounterStore;
import dev.palisade.policy.PolicyEngine;
import dev.palisade.policy.PolicyStore;
import dev.palisade.policy.RuleRegistry;
import dev.palisade.slashing.HealthStatus;
import dev.palisade.slashing.SlashingProtection;
import dev.palisade.slashing.SlashingProtections;
import dev.palisade.store.Database;
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
  private final Database database;
  private final SlashingProtection slashing;
  /** PostgreSQL only: failover durability for /healthcheck and the log. */
  private final ReplicationMonitor replication;
  private final AccessControl access;
  private final KeyRegistry registry;
  private final NodeConfig config;
  private final KeyReadiness readiness;
  private final OperatorKeks keks;
  private final AuditLog auditLog;
  private final AuditWriter auditWriter;
  private final PolicyEngine policyEngine;
  private final PalisadeServer server;
  private final WorkerWatchdog watchdog;

  private PalisadeNode(NodeConfig config, java.util.function.IntConsumer exit) {
    this.config = config;
    if (config.vaultSocket().isPresent()) {
      this.inProcessVault = null;
      this.vault = new RemoteVault(config.vaultSocket().get());
    } else {
      this.inProcessVault = new InProcessVault();
      this.vault = inProcessVault;
    }
    this.readiness = new KeyReadiness(vault);
    this.watchdog = WorkerWatchdog.start(exit); // before the stores: covers every worker they start
    try {
      // One database for slashing history, identities, audit and sealed keys; refuses one that is
      // not the database this data path used before.
      this.database = NodeStorage.open(config.slashing(), config.dataPath());
      resources.add(database);
      this.slashing = openSlashingProtection(config, database);
      if (slashing != null) {
        resources.add(slashing);
        // a database that recorded another network's history must not be used for this one
        config.network().genesisValidatorsRoot().ifPresent(slashing::pinGenesisValidatorsRoot);
      }
      this.replication = slashing == null ? null : ReplicationMonitor.start(slashing, REPLICATION_RECHECK).orElse(null);
      if (replication != null) {
        resources.add(replication);
      }
      // Before anything else writes: a wrong KEK passphrase stops the start here, having changed nothing.
      this.keks =
          inProcessVault != null && !config.keks().isEmpty()
              ? OperatorKeks.open(config.keks(), database)
              : OperatorKeks.ephemeral();
      resources.add(keks);
      IdentityStore identities =
          IdentityStore.open(database.dataSource(), database.dialect(), IDENTITY_REFRESH);
      resources.add(identities);
      this.access = new AccessControl(identities, readCertificates(config.access()));
      access.bootstrapIfEmpty(config.access().bootstrapLoopback() && LoopbackOnly.of(config.server()));
      this.auditLog = AuditLog.open(database.dataSource(), database.dialect()).takingTurnsThrough(database.writeGate());
      this.policyEngine = openPolicies(database);
      this.registry =
          new KeyRegistry(inProcessVault, vault, slashing, identities, keks, this::recordLifecycle);
      this.auditWriter = new AuditWriter(auditLog, AUDIT_QUEUE_CAPACITY);
      resources.add(auditWriter);
      watchdog.watch("audit writer", auditWriter::isAlive);
      AuditingListener auditing = new AuditingListener(auditWriter, Clock.systemUTC());

      SigningService signing =
          new SigningService(
              config.network(),
              vault,
              access.authorizer(),
              signingPolicies(),
              readiness::loaded,
              // auditing first: it may veto (503)
              SigningListener.all(auditing, metrics, RefusalLog.standard()));
      metrics.bindKeys(AccessControl.DEFAULT_OPERATOR.value(), readiness::loadedKeyCount);
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
                  readiness::readyKeys,
                  healthChecks(),
                  metrics,
                  (source, reason) -> {
                    metrics.unauthenticated();
                    auditing.unauthenticated(source, reason);
                  },
                  new AdminApi(access, auditLog, auditWriter::appendDurably, this::reload),
                  new KeymanagerApi(access, registry, slashing),
                  new PolicyAdminApi(access, policyEngine, auditLog, Clock.systemUTC(),
                      new ApproverTotp(new TotpStore(database.dataSource()), identities, keks, Clock.systemUTC(),
                          auditLog::append)),
                  new dev.palisade.server.evm.EvmApi(access.authorizer(), vault, registry.evm(), config.evm(),
                      auditWriter::submit, new PolicyGate(policyEngine, metrics, Clock.systemUTC()), Clock.systemUTC()),
                  slashing == null ? null : new dev.palisade.slashing.Watermarks(database.dataSource())));
    } catch (RuntimeException e) {
      watchdog.close();
      closeResources();
      throw e;
    }
  }

  /** Opens the stores and starts listening; then hand it keys with {@link #addKeys}. */
  public static PalisadeNode start(NodeConfig config) {
    return new PalisadeNode(config, WorkerWatchdog::exitProcess);
  }

  /** As {@link #start(NodeConfig)}, with the process exit replaced (tests). */
  static PalisadeNode start(NodeConfig config, java.util.function.IntConsumer exit) {
    return new PalisadeNode(config, exit);
  }

  /** Operator policies first: what they refuse or hold for approval records nothing in the slashing store. */
  private List<SigningPolicy> signingPolicies() {
    SigningPolicy gate = new PolicyGate(policyEngine, metrics, Clock.systemUTC());
    if (slashing == null) {
      LOG.warn("SLASHING PROTECTION IS DISABLED: nothing stops a double vote or a double proposal");
      return List.of(gate);
    }
    return List.of(gate, new SlashingPolicy(slashing, metrics.slashingCheckTimer()), new NodeWatermarkPolicy());
  }

  /** Policies, shared counters and approvals on the node's database; approval steps are audited before they return. */
  private PolicyEngine openPolicies(Database database) {
    PolicyStore store = PolicyStore.open(database.dataSource(), database.dialect(), RuleRegistry.builtIn());
    ApprovalStore approvals = new ApprovalStore(database.dataSource(), Clock.systemUTC(), auditLog::append);
    metrics.bindPendingApprovals(() -> {
      try {
        return approvals.pendingCount();
      } catch (RuntimeException e) {
        return -1; // the database is unreachable: a scrape must still answer
      }
    });
    return new PolicyEngine(store, new CounterStore(database.dataSource(), Clock.systemUTC()), approvals);
  }

  /** The policy engine: documents, counters and approvals (tests and the CLI's dry run). */
  public PolicyEngine policies() {
    return policyEngine;
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
    checks.add(watchdog);
    checks.add(new IdentityFreshnessCheck(access));
    if (inProcessVault == null) {
      checks.add(() -> vaultUp() ? HealthCheck.Result.up("vault", Map.of()) : HealthCheck.Result.down("vault", Map.of()));
    }
    checks.add(readiness.check());
    if (slashing != null) {
      checks.add(
          () -> {
            HealthStatus health = slashing.health();
            return health.up()
                ? HealthCheck.Result.up("slashing-protection-db-health-check", Map.of())
                : HealthCheck.Result.down(
                    "slashing-protection-db-health-check", Map.of("error", health.message()));
          });
    } else { // the slashing store's health covers a removed or replaced database; without it:
      checks.add(
          () -> database.failure()
              .map(failure -> HealthCheck.Result.down("database-health-check", Map.<String, Object>of("error", failure)))
              .orElseGet(() -> HealthCheck.Result.up("database-health-check", Map.of())));
    }
    if (replication != null) {
      checks.add(replication);
    }
    return checks;
  }

  private static SlashingProtection openSlashingProtection(NodeConfig config, Database database) {
    NodeConfig.SlashingConfig slashingConfig = config.slashing();
    return slashingConfig.enabled() ? SlashingProtections.open(database, slashingConfig.options()) : null;
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
   * Opens the sealed keys of every operator whose KEK this node holds into the in-process vault,
   * without marking the node ready: {@link #addKeys} does that once keystore keys, if any, are in
   * too. Empty when no KEK is open.
   */
  public Optional<LoadSummary> loadSealedKeys() {
    try {
      List<LoadSummary> summaries = registry.loadSealed();
      if (summaries.isEmpty()) {
        return Optional.empty();
      }
      List<LoadSummary.Failure> failures = new ArrayList<>();
      summaries.forEach(summary -> failures.addAll(summary.failures()));
      readiness.failed(failures.size());
      return Optional.of(new LoadSummary(
          summaries.stream().mapToInt(LoadSummary::loaded).sum(),
          summaries.stream().mapToInt(LoadSummary::alreadyHeld).sum(),
          failures,
          summaries.stream().map(LoadSummary::elapsed).reduce(Duration.ZERO, Duration::plus)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading sealed keys", e);
    }
  }

  /**
   * Keys from {@code --keystores-path}, read-only, of the default operator (see {@link
   * KeyRegistry#loadReadOnly}); then the node is ready. Returns how many distinct keys were added.
   */
  public int addKeys(Collection<BlsSecretKey> keys) {
    return addKeys(keys, 0, false);
  }

  /**
   * As {@link #addKeys(Collection)}, saying how many configured keystores failed to load: then
   * {@code /healthcheck} is DOWN (503) unless {@code tolerateFailures}, so a node that lost some
   * of its validators says so.
   */
  public int addKeys(Collection<BlsSecretKey> keys, int failedKeystores, boolean tolerateFailures) {
    int added = registry.loadReadOnly(keys, AccessControl.DEFAULT_OPERATOR);
    readiness.markLoaded(failedKeystores, tolerateFailures);
    return added;
  }

  /** The audit row of a key lifecycle event, written before the API answers. */
  private void recordLifecycle(Actor actor, BlsPublicKey key, String event, String detail) {
    auditWriter.appendDurably(new AuditEntry(Instant.now(), actor.name(), actor.operator().value(), key, event,
        null, null, AuditDecision.CHANGED, detail));
  }

  /** Every route of the API listener, as "METHOD /path/{param}". */
  public List<String> apiRoutes() {
    return server.routes();
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
    int held = registry.adoptVaultKeys(AccessControl.DEFAULT_OPERATOR);
    readiness.markLoaded(0, false);
    return held;
  }

  public java.util.Set<BlsPublicKey> loadedKeys() {
    return vault.publicKeys();
  }

  /**
   * Picks up keystores added to or removed from {@code --keystores-path} and sealed keys imported
   * or deleted elsewhere ({@code POST /reload}, SIGHUP). One reload at a time.
   */
  public synchronized KeyRegistry.ReloadSummary reload() {
    if (inProcessVault == null) {
      throw new ApiException.Unavailable("keys are held by the vault process: reload it there");
    }
    try {
      Optional<Collection<BlsSecretKey>> fromDisk = Optional.empty();
      int failedFiles = 0;
      if (config.keystores().isPresent()) {
        var result = config.keystores().get().load();
        failedFiles = result.errors().size();
        result.errors().forEach(error -> LOG.warn("reload: keystore {} failed: {}", error.fileName(), error.reason()));
        fromDisk = Optional.of(result.secretKeys());
      }
      KeyRegistry.ReloadSummary summary = registry.reload(fromDisk, AccessControl.DEFAULT_OPERATOR);
      return new KeyRegistry.ReloadSummary(summary.added(), summary.removed(), summary.failed() + failedFiles);
    } catch (IOException e) {
      throw new ApiException.Unavailable("cannot read --keystores-path: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException.Unavailable("reload interrupted");
    }
  }

  /** The one way keys come in and leave. */
  public KeyRegistry keys() {
    return registry;
  }

  /** The sealed key records on this node's database; empty on an ephemeral node. */
  public Optional<dev.palisade.vault.store.SealedKeyStore> sealedKeyStore() {
    return keks.all().stream().findFirst().map(dev.palisade.server.keys.SealedKeys::store);
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
    watchdog.close(); // workers stopping now is no failure
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
