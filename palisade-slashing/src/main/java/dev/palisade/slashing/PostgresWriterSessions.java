package dev.palisade.slashing;

import dev.palisade.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slashing writers' PostgreSQL sessions. Each writer thread keeps one pooled connection across its
 * batches, and in that session the check statements are prepared once and planned once ({@code plan_cache_mode
 * = force_generic_plan}): PostgreSQL then neither parses nor plans a check again, about a third of its CPU per
 * check (docs/benchmarks.md, session 7).
 *
 * <p>A generic plan is made with the tables' size at that moment and kept until something invalidates it; one
 * made while the history was small reads the grown table by sequential scan on every check
 * (PostgresBatchPlanTest). So a session's plans are thrown away when it starts and then every {@link
 * #PLAN_LIFETIME_NANOS} ({@code DISCARD PLANS}; the pool may also hand back a connection whose statements were
 * planned long ago): no plan is more than a second older than the tables it reads.
 *
 * <p>A session idle for {@link #IDLE_NANOS}, or older than {@link #MAX_AGE_NANOS}, goes back to the pool before
 * the writer's next batch. The plan setting never leaves the writers: it is reset before the connection goes back
 * to the pool, which other components share; that reset is a round trip, so a connection that died while the
 * writer waited is found then and dropped from the pool, not used for a batch. Where the setting is unknown
 * (PostgreSQL before 12, another database) checks are sent unprepared and planned at every execution, as
 * PostgreSQL's default would not be safe.
 */
final class PostgresWriterSessions {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresWriterSessions.class);
  static final long PLAN_LIFETIME_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** One writer thread's session; only that thread touches it. */
  private static final class Session {
    final Connection connection;
    final boolean generic;
    final long started;
    long planned;
    long used;

    Session(Connection connection, boolean generic, long now) {
      this.connection = connection;
      this.generic = generic;
      this.started = now;
      this.planned = now;
      this.used = now;
    }
  }

  private final Database database;
  private final Counters counters;
  private final ThreadLocal<Session> current = new ThreadLocal<>();

  /** Counts its own statements (start, re-plan, reset) as round trips in {@code counters}. */
  PostgresWriterSessions(Database database, Counters counters) {
    this.database = database;
    this.counters = counters;
  }

  /** The calling writer's session: kept, with fresh plans, or started anew (see the class comment). */
  Connection acquire() throws SQLException {
    Session session = current.get();
    long now = System.nanoTime();
    if (session != null) {
      if (now - session.used < IDLE_NANOS && now - session.started < MAX_AGE_NANOS) {
        if (session.generic && now - session.planned >= PLAN_LIFETIME_NANOS) {
          try {
            discardPlans(session.connection);
          } catch (SQLException e) {
            current.remove();
            end(session);
            throw e;
          }
          session.planned = now;
        }
        return session.connection;
      }
      current.remove();
      end(session);
    }
    Connection c = database.dataSource().getConnection();
    boolean generic;
    try {
      generic = planOnce(c);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    current.set(new Session(c, generic, now));
    return c;
  }

  /** After a batch: a failed session is rolled back and ends; a good one stays with its writer. */
  void release(Connection c, boolean failed) throws SQLException {
    Session session = current.get();
    boolean own = session != null && session.connection == c;
    if (failed) {
      if (own) {
        current.remove();
      }
      try {
        c.rollback();
      } catch (SQLException ignored) {
        // broken: the pool evicts it on SQLState 08*
      }
      end(own ? session : new Session(c, false, 0));
      return;
    }
    if (!c.getAutoCommit()) {
      c.setAutoCommit(true);
    }
    if (own) {
      session.used = System.nanoTime();
    }
  }

  /** The calling writer is stopping: its session goes back to the pool. */
  void stop() {
    Session session = current.get();
    current.remove();
    if (session != null) {
      end(session);
    }
  }

  /**
   * A check statement: prepared on the server from its first run where the session plans it once, else sent
   * unprepared so that PostgreSQL plans it at each execution.
   */
  PreparedStatement prepareCheck(PreparedStatement ps, Connection c) throws SQLException {
    Session session = current.get();
    boolean generic = session != null && session.connection == c && session.generic;
    ps.unwrap(PGStatement.class).setPrepareThreshold(generic ? 1 : 0);
    return ps;
  }

  private void discardPlans(Connection c) throws SQLException {
    counters.roundTrips.incrementAndGet();
    try (Statement s = c.createStatement()) {
      s.execute("DISCARD PLANS");
    }
  }

  private boolean planOnce(Connection c) throws SQLException {
    counters.roundTrips.incrementAndGet();
    try (Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = force_generic_plan; DISCARD PLANS");
      return true;
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
        throw e; // the connection, not the setting
      }
      if (!c.getAutoCommit()) {
        c.rollback();
      }
      LOG.debug("plan_cache_mode not available, check statements sent unprepared: {}", e.getMessage());
      return false;
    }
  }

  /** Back to the pool with the plan setting reset; a connection that cannot be reset leaves the pool. */
  private void end(Session session) {
    Connection c = session.connection;
    try {
      if (session.generic) {
        counters.roundTrips.incrementAndGet();
        try (Statement s = c.createStatement()) {
          s.execute("RESET plan_cache_mode");
        }
      }
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      LOG.debug("could not reset a writer session, dropping its connection", e);
      try {
        database.discard(c);
      } catch (SQLException ignored) {
        // closing a broken connection
      }
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("could not return a connection to the pool", e);
    }
  }
}
