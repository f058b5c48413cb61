package dev.palisade.policy;

import dev.palisade.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Versioned policy documents in the shared database. One revision counter covers every document, so
 * "policy v7" names the whole set a decision was made under. Readers keep a snapshot and re-read the
 * revision at most every {@code maxAge}; when it cannot be read for {@code failClosedAfter}, reads fail.
 */
public final class PolicyStore {
  private final DataSource dataSource;
  private final RuleRegistry registry;
  private final Duration maxAge;
  private final Duration failClosedAfter;
  private final Clock clock;
  // volatile for cached(), which reads them without the lock
  private volatile PolicySnapshot snapshot;
  private volatile Instant checkedAt = Instant.MIN;
  private Instant confirmedAt = Instant.MIN;

  private PolicyStore(DataSource dataSource, RuleRegistry registry, Duration maxAge, Duration failClosedAfter, Clock clock) {
    this.dataSource = dataSource;
    this.registry = registry;
    this.maxAge = maxAge;
    this.failClosedAfter = failClosedAfter;
    this.clock = clock;
  }

  public static PolicyStore open(DataSource dataSource, Dialect dialect, RuleRegistry registry) {
    return open(dataSource, dialect, registry, Duration.ofMillis(250), Duration.ofSeconds(5), Clock.systemUTC());
  }

  public static PolicyStore open(DataSource dataSource, Dialect dialect, RuleRegistry registry, Duration maxAge,
      Duration failClosedAfter, Clock clock) {
    PolicyMigrations.migrate(dataSource, dialect);
    return new PolicyStore(dataSource, registry, maxAge, failClosedAfter, clock);
  }

  public RuleRegistry registry() {
    return registry;
  }

  /** Validates and stores {@code text} as the target's new document; returns its version. */
  public PolicyVersion set(PolicyTarget target, String text, String createdBy) {
    PolicyDocument.parse(text, registry); // refuse before writing
    Instant now = clock.instant();
    long version = Sql.transaction(dataSource, "store a policy", c -> {
      // the update locks the revision row: concurrent sets get distinct, ordered versions
      try (PreparedStatement bump = c.prepareStatement("update policy_revision set revision = revision + 1 where id = 1")) {
        bump.executeUpdate();
      }
      long next = revision(c);
      try (PreparedStatement insert = c.prepareStatement("insert into policy_document"
          + " (version, scope, target, document, created_at_ms, created_by) values (?, ?, ?, ?, ?, ?)")) {
        insert.setLong(1, next);
        insert.setString(2, target.scope().wireName());
        insert.setString(3, target.id());
        insert.setString(4, text);
        insert.setLong(5, now.toEpochMilli());
        insert.setString(6, createdBy);
        insert.executeUpdate();
      }
      return next;
    });
    synchronized (this) {
      checkedAt = Instant.MIN; // this instance sees its own change at once
    }
    return new PolicyVersion(version, target, text, now, createdBy);
  }

  /** Newest first. */
  public List<PolicyVersion> history(PolicyTarget target) {
    return Sql.transaction(dataSource, "read policy history", c -> {
      List<PolicyVersion> versions = new ArrayList<>();
      try (PreparedStatement select = c.prepareStatement("select version, document, created_at_ms, created_by"
          + " from policy_document where scope = ? and target = ? order by version desc")) {
        select.setString(1, target.scope().wireName());
        select.setString(2, target.id());
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            versions.add(new PolicyVersion(rows.getLong(1), target, rows.getString(2),
                Instant.ofEpochMilli(rows.getLong(3)), rows.getString(4)));
          }
        }
      }
      return versions;
    });
  }

  /**
   * The policy set {@link #current} would answer without reading the database, if any: it never waits, not even
   * for a refresh under way on another thread.
   */
  public Optional<PolicySnapshot> cached() {
    Instant at = checkedAt; // first: current() writes the snapshot before its time, so this time is never too new
    PolicySnapshot cached = snapshot;
    return cached != null && Duration.between(at, clock.instant()).compareTo(maxAge) < 0
        ? Optional.of(cached) : Optional.empty();
  }

  /** The policy set in force: refreshed when older than {@code maxAge}. */
  public synchronized PolicySnapshot current() {
    Instant now = clock.instant();
    if (snapshot != null && Duration.between(checkedAt, now).compareTo(maxAge) < 0) {
      return snapshot;
    }
    try {
      snapshot = Sql.transaction(dataSource, "read policies", c -> {
        long revision = revision(c);
        return snapshot != null && snapshot.version() == revision ? snapshot : load(c, revision);
      });
      checkedAt = now;
      confirmedAt = now;
      return snapshot;
    } catch (PolicyUnavailableException e) {
      if (snapshot != null && Duration.between(confirmedAt, now).compareTo(failClosedAfter) < 0) {
        checkedAt = now; // one failed read per maxAge, not one per request, while the database is away
        return snapshot;
      }
      throw e;
    }
  }

  private PolicySnapshot load(Connection c, long revision) throws SQLException {
    Map<PolicyTarget, PolicyDocument> documents = new HashMap<>();
    try (PreparedStatement select = c.prepareStatement("select d.scope, d.target, d.document from policy_document d"
        + " where d.version = (select max(v.version) from policy_document v where v.scope = d.scope and v.target = d.target)");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        PolicyTarget target = PolicyTarget.of(rows.getString(1), rows.getString(2));
        PolicyDocument document = PolicyDocument.parse(rows.getString(3), registry);
        if (!document.isEmpty()) {
          documents.put(target, document);
        }
      }
    }
    return new PolicySnapshot(revision, documents);
  }

  private static long revision(Connection c) throws SQLException {
    try (PreparedStatement select = c.prepareStatement("select revision from policy_revision where id = 1");
        ResultSet row = select.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }
}
