package dev.palisade.auth;

import dev.palisade.store.Dialect;
import dev.palisade.eth2.BlsPublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operators, identities and key ownership, in the database shared by every Palisade instance, plus
 * an in-memory view of them that authentication reads without touching the database.
 *
 * <p>Every change bumps a revision counter in the same transaction. A background thread reads that
 * counter every {@link AuthStoreOptions#refreshInterval()} and reloads the view when it moved, so a
 * revocation made on any instance applies everywhere within about one interval (250 ms by default).
 * Changes made through this instance apply to it at once.
 */
public final class IdentityStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityStore.class);

  private final DataSource dataSource;
  private final Dialect dialect;
  private final AuthStoreOptions options;
  private final Object refreshLock = new Object();
  private final ScheduledExecutorService poller;
  private volatile AuthSnapshot snapshot = AuthSnapshot.empty();
  private volatile long confirmedAtNanos;
  private volatile boolean pollFailing;

  private IdentityStore(DataSource dataSource, Dialect dialect, AuthStoreOptions options) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.options = options;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "palisade-auth-refresh");
              t.setDaemon(true);
              return t;
            });
  }

  public static IdentityStore open(DataSource dataSource, Dialect dialect) {
    return open(dataSource, dialect, AuthStoreOptions.defaults());
  }

  /** Migrates the auth tables, loads the view (failing if the database cannot be read), starts polling. */
  public static IdentityStore open(DataSource dataSource, Dialect dialect, AuthStoreOptions options) {
    AuthMigrations.migrate(dataSource, dialect);
    IdentityStore store = new IdentityStore(dataSource, dialect, options);
    store.refreshNow();
    long every = options.refreshInterval().toMillis();
    store.poller.scheduleWithFixedDelay(store::poll, every, every, TimeUnit.MILLISECONDS);
    return store;
  }

  // ---------------------------------------------------------------- operators

  public Operator createOperator(OperatorId id) {
    Instant now = now();
    write(
        c -> {
          if (operatorExists(c, id)) {
            throw new AuthConflictException("operator " + id + " already exists");
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "insert into auth_operator (operator_id, created_at_ms) values (?, ?)")) {
            ps.setString(1, id.value());
            ps.setLong(2, now.toEpochMilli());
            ps.executeUpdate();
          }
          return true;
        });
    LOG.info("created operator {}", id);
    return new Operator(id, now);
  }

  public List<Operator> listOperators() {
    return read(
        c -> {
          List<Operator> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "select operator_id, created_at_ms from auth_operator order by operator_id");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new Operator(OperatorId.of(rs.getString(1)), Instant.ofEpochMilli(rs.getLong(2))));
            }
          }
          return out;
        });
  }

  // ---------------------------------------------------------------- identities

  /**
   * Creates an identity. For token and basic identities the returned {@link CreatedIdentity#secret()}
   * is the only copy of the secret: the store keeps its SHA-256 alone.
   */
  public CreatedIdentity createIdentity(NewIdentity request) {
    Instant now = now();
    Credential credential = request.credential();
    boolean hasSecret =
        credential instanceof Credential.BearerToken || credential instanceof Credential.BasicSecret;
    Optional<Secret> secret = hasSecret ? Optional.of(Secrets.generate()) : Optional.empty();
    write(
        c -> {
          if (!operatorExists(c, request.operator())) {
            throw new AuthConflictException("operator " + request.operator() + " does not exist");
          }
          if (exists(c, "select 1 from auth_identity where identity_id = ?", request.id().value())) {
            throw new AuthConflictException("identity " + request.id() + " already exists");
          }
          requireCredentialFree(c, credential);
          insertIdentity(c, request, secret, now);
          return true;
        });
    LOG.info(
        "created {} identity {} for operator {} with scopes {}",
        credential.type().wireName(),
        request.id(),
        request.operator(),
        request.scopes());
    Identity identity =
        new Identity(
            request.id(),
            request.operator(),
            credential,
            request.scopes(),
            request.allowedKeys(),
            now,
            Optional.empty());
    return new CreatedIdentity(identity, secret);
  }

  /** Every identity, revoked ones included; never a secret or a hash of one. */
  public List<Identity> listIdentities() {
    return read(c -> IdentityRows.load(c, false)).stream().map(StoredIdentity::identity).toList();
  }

  public List<Identity> listIdentities(OperatorId operator) {
    return listIdentities().stream().filter(i -> i.operator().equals(operator)).toList();
  }

  public Optional<Identity> findIdentity(IdentityId id) {
    return listIdentities().stream().filter(i -> i.id().equals(id)).findFirst();
  }

  /**
   * Revokes an identity; every instance refuses it within about one refresh interval.
   *
   * @return false when no active identity has this name (unknown or already revoked)
   */
  public boolean revokeIdentity(IdentityId id) {
    Instant now = now();
    boolean revoked =
        write(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "update auth_identity set revoked_at_ms = ? where identity_id = ? and"
                          + " revoked_at_ms is null")) {
                ps.setLong(1, now.toEpochMilli());
                ps.setString(2, id.value());
                return ps.executeUpdate() == 1;
              }
            });
    if (revoked) {
      LOG.info("revoked identity {}", id);
    }
    return revoked;
  }

  // ---------------------------------------------------------------- key ownership

  /**
   * Assigns every key that has no owner yet to {@code operator}, in one transaction (one revision
   * bump, one refresh): loading 100,000 keys at start must not cost 100,000 transactions. Keys
   * already owned, by this or another operator, are left as they are.
   *
   * @return the keys owned by another operator (not assigned)
   */
  public List<BlsPublicKey> assignUnownedKeys(Collection<BlsPublicKey> keys, OperatorId operator) {
    if (keys.isEmpty()) {
      return List.of();
    }
    Instant now = now();
    List<BlsPublicKey> ownedElsewhere = new ArrayList<>();
    int[] assigned = {0};
    write(
        c -> {
          if (!operatorExists(c, operator)) {
            throw new AuthConflictException("operator " + operator + " does not exist");
          }
          Map<String, String> owners = new HashMap<>();
          try (PreparedStatement ps = c.prepareStatement("select pubkey, operator_id from auth_key_owner");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              owners.put(rs.getString(1), rs.getString(2));
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "insert into auth_key_owner (pubkey, operator_id, assigned_at_ms) values (?, ?, ?)")) {
            for (BlsPublicKey key : new LinkedHashSet<>(keys)) {
              String owner = owners.get(key.toHex());
              if (owner != null) {
                if (!owner.equals(operator.value())) {
                  ownedElsewhere.add(key);
                }
                continue;
              }
              ps.setString(1, key.toHex());
              ps.setString(2, operator.value());
              ps.setLong(3, now.toEpochMilli());
              ps.addBatch();
              assigned[0]++;
            }
            if (assigned[0] > 0) {
              ps.executeBatch();
            }
          }
          return assigned[0] > 0;
        });
    if (assigned[0] > 0) {
      LOG.info("assigned {} keys to operator {}", assigned[0], operator);
    }
    return ownedElsewhere;
  }

  /**
   * Makes {@code operator} the owner of {@code key}. A key owned by another operator is refused:
   * moving a key between tenants takes an explicit {@link #unassignKey} first.
   */
  public void assignKey(BlsPublicKey key, OperatorId operator) {
    Instant now = now();
    boolean changed =
        write(
            c -> {
              if (!operatorExists(c, operator)) {
                throw new AuthConflictException("operator " + operator + " does not exist");
              }
              Optional<OperatorId> owner = ownerOf(c, key);
              if (owner.isPresent()) {
                if (owner.get().equals(operator)) {
                  return false;
                }
                throw new AuthConflictException(
                    "key " + key + " is assigned to another operator; unassign it first");
              }
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "insert into auth_key_owner (pubkey, operator_id, assigned_at_ms) values (?,"
                          + " ?, ?)")) {
                ps.setString(1, key.toHex());
                ps.setString(2, operator.value());
                ps.setLong(3, now.toEpochMilli());
                ps.executeUpdate();
              }
              return true;
            });
    if (changed) {
      LOG.info("assigned key {} to operator {}", key, operator);
    }
  }

  /** @return false when the key had no owner */
  public boolean unassignKey(BlsPublicKey key) {
    boolean removed =
        write(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("delete from auth_key_owner where pubkey = ?")) {
                ps.setString(1, key.toHex());
                return ps.executeUpdate() == 1;
              }
            });
    if (removed) {
      LOG.info("unassigned key {}", key);
    }
    return removed;
  }

  public List<BlsPublicKey> keysOf(OperatorId operator) {
    return read(
        c -> {
          List<BlsPublicKey> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select pubkey from auth_key_owner where operator_id = ? order by pubkey")) {
            ps.setString(1, operator.value());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(BlsPublicKey.fromHex(rs.getString(1)));
              }
            }
          }
          return out;
        });
  }

  public Optional<OperatorId> ownerOf(BlsPublicKey key) {
    return read(c -> ownerOf(c, key));
  }

  // ---------------------------------------------------------------- the in-memory view

  /**
   * The view for authentication: throws when it has not been confirmed against the database within
   * {@link AuthStoreOptions#maxStaleness()}, so a missed revocation cannot be honoured by accident.
   */
  AuthSnapshot freshSnapshot() {
    long age = System.nanoTime() - confirmedAtNanos;
    if (age > options.maxStaleness().toNanos()) {
      throw new AuthStoreUnavailableException(
          "auth store not confirmed for " + TimeUnit.NANOSECONDS.toMillis(age) + " ms", null);
    }
    return snapshot;
  }

  /** The latest view, however old (authorization right after a fresh authentication). */
  AuthSnapshot latestSnapshot() {
    return snapshot;
  }

  AuthStoreOptions options() {
    return options;
  }

  /** Re-reads the revision now and reloads the view if it changed. */
  public void refreshNow() {
    synchronized (refreshLock) {
      long started = System.nanoTime();
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        if (dialect == Dialect.POSTGRESQL) {
          // One consistent snapshot for the revision and every table it covers.
          c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        try {
          long revision = IdentityRows.revision(c);
          if (revision != snapshot.revision) {
            snapshot =
                new AuthSnapshot(revision, IdentityRows.load(c, true), IdentityRows.keyOwners(c));
          }
          c.commit();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        }
        confirmedAtNanos = started;
      } catch (SQLException e) {
        throw new AuthStoreUnavailableException("cannot read the auth store: " + e.getMessage(), e);
      }
    }
  }

  private void poll() {
    try {
      refreshNow();
      if (pollFailing) {
        pollFailing = false;
        LOG.info("auth store reachable again");
      }
    } catch (RuntimeException e) {
      if (!pollFailing) {
        pollFailing = true;
        LOG.warn("auth store refresh failed; authentication fails closed once the view is stale: {}",
            e.getMessage());
      }
    }
  }

  /**
   * Stops polling and waits for a poll under way: nothing touches the database once this returns (a SQLite
   * read still running would open the file again, e.g. while its directory is being removed).
   */
  @Override
  public void close() {
    poller.shutdownNow();
    try {
      if (!poller.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("an auth store refresh was still running 5 s after close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- SQL helpers

  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in a transaction that also bumps the revision, then refreshes this instance. */
  <T> T write(SqlWork<T> work) {
    T result;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        // Bump first: on SQLite this takes the write lock before we read, so the checks below
        // cannot go stale; on PostgreSQL the row lock serialises concurrent admin changes.
        try (PreparedStatement ps =
            c.prepareStatement("update auth_revision set revision = revision + 1 where id = 1")) {
          ps.executeUpdate();
        }
        result = work.run(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      if (SqlErrors.isConstraintViolation(e)) {
        throw new AuthConflictException("the change conflicts with an existing entry");
      }
      throw new AuthStoreUnavailableException("auth store write failed: " + e.getMessage(), e);
    }
    refreshQuietly();
    return result;
  }

  <T> T read(SqlWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new AuthStoreUnavailableException("auth store read failed: " + e.getMessage(), e);
    }
  }

  private void refreshQuietly() {
    try {
      refreshNow();
    } catch (AuthStoreUnavailableException e) {
      LOG.warn("auth store refresh after a change failed; the poller will retry: {}", e.getMessage());
    }
  }

  private Instant now() {
    return options.clock().instant().truncatedTo(ChronoUnit.MILLIS);
  }

  static boolean operatorExists(Connection c, OperatorId id) throws SQLException {
    return exists(c, "select 1 from auth_operator where operator_id = ?", id.value());
  }

  private static boolean exists(Connection c, String sql, String... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static Optional<OperatorId> ownerOf(Connection c, BlsPublicKey key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("select operator_id from auth_key_owner where pubkey = ?")) {
      ps.setString(1, key.toHex());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(OperatorId.of(rs.getString(1))) : Optional.empty();
      }
    }
  }

  private static void requireCredentialFree(Connection c, Credential credential)
      throws SQLException {
    if (credential instanceof Credential.CertFingerprint cert
        && exists(
            c,
            "select 1 from auth_identity where cert_sha256 = ? and revoked_at_ms is null",
            cert.fingerprint().hex())) {
      throw new AuthConflictException("an active identity already uses this certificate");
    }
    if (credential instanceof Credential.CertIssuedBy cert
        && exists(
            c,
            "select 1 from auth_identity where ca_sha256 = ? and subject_dn = ? and revoked_at_ms is"
                + " null",
            cert.caFingerprint().hex(),
            cert.subjectDn())) {
      throw new AuthConflictException("an active identity already uses this CA and subject");
    }
    if (credential instanceof Credential.NetworkAddress network) {
      for (Cidr cidr : network.networks()) {
        if (exists(
            c,
            "select 1 from auth_identity_cidr n join auth_identity i on i.identity_id ="
                + " n.identity_id where n.cidr = ? and i.revoked_at_ms is null",
            cidr.toString())) {
          // Identical networks would make the caller ambiguous; nested ones resolve by longest prefix.
          throw new AuthConflictException("an active identity already uses network " + cidr);
        }
      }
    }
  }

  private static void insertIdentity(
      Connection c, NewIdentity request, Optional<Secret> secret, Instant now) throws SQLException {
    Credential credential = request.credential();
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into auth_identity (identity_id, operator_id, identity_type, scopes,"
                + " key_restricted, cert_sha256, ca_sha256, subject_dn, secret_sha256, created_at_ms)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, request.id().value());
      ps.setString(2, request.operator().value());
      ps.setString(3, credential.type().wireName());
      ps.setString(4, request.scopes().toWire());
      ps.setInt(5, request.allowedKeys().isPresent() ? 1 : 0);
      ps.setString(
          6,
          credential instanceof Credential.CertFingerprint cert ? cert.fingerprint().hex() : null);
      ps.setString(
          7,
          credential instanceof Credential.CertIssuedBy cert ? cert.caFingerprint().hex() : null);
      ps.setString(8, credential instanceof Credential.CertIssuedBy cert ? cert.subjectDn() : null);
      ps.setString(
          9, secret.map(s -> HexFormat.of().formatHex(Secrets.hash(s.reveal()))).orElse(null));
      ps.setLong(10, now.toEpochMilli());
      ps.executeUpdate();
    }
    if (credential instanceof Credential.NetworkAddress network) {
      try (PreparedStatement ps =
          c.prepareStatement("insert into auth_identity_cidr (identity_id, cidr) values (?, ?)")) {
        for (Cidr cidr : network.networks().stream().distinct().toList()) {
          ps.setString(1, request.id().value());
          ps.setString(2, cidr.toString());
          ps.executeUpdate();
        }
      }
    }
    if (request.allowedKeys().isPresent()) {
      try (PreparedStatement ps =
          c.prepareStatement("insert into auth_identity_key (identity_id, pubkey) values (?, ?)")) {
        for (BlsPublicKey key : request.allowedKeys().get()) {
          ps.setString(1, request.id().value());
          ps.setString(2, key.toHex());
          ps.executeUpdate();
        }
      }
    }
  }
}
