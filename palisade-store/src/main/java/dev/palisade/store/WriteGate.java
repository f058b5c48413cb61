package dev.palisade.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Queues this process's writers to one SQLite file inside the JVM. SQLite has one write lock per
 * database, and a writer that finds it taken sleeps in SQLite's busy handler (1, 2, 5, 10, 15 ms …)
 * even when the lock is free again a fraction of a millisecond later: the slashing writer and the
 * audit writer queued that way gave signing requests a p99 of 15–20 ms at half load. A writer that
 * passes the gate waits in a fair queue and is woken the moment the one ahead leaves; another
 * process (a CLI command) still meets SQLite's own lock and busy timeout. PostgreSQL locks rows, so
 * its gate is open.
 *
 * <p><b>Rides.</b> Every SQLite commit is an fsync of the log, and every commit holds the gate. A
 * writer with nothing to answer at once (routine audit rows) can {@link #ride} instead: its rows are
 * written inside the next transaction that passes the gate, just before that one commits, and share
 * its fsync. The carrier writes each ride in a savepoint, so a failing ride is rolled back alone.
 */
public final class WriteGate {
  private static final WriteGate NONE = new WriteGate(false);
  private final ReentrantLock lock;
  private final Queue<Ride> rides = new ConcurrentLinkedQueue<>();

  /** Writes to carry inside another writer's open transaction on the same database. */
  @FunctionalInterface
  public interface Rider {
    void write(Connection transaction) throws SQLException;
  }

  /** The rides one transaction carries; its writer reports how the transaction ended, once. */
  public static final class CarriedRides {
    private static final CarriedRides NONE = new CarriedRides(List.of());
    private final List<Ride> rides;

    private CarriedRides(List<Ride> rides) {
      this.rides = rides;
    }

    public void committed() {
      rides.forEach(Ride::committed);
    }

    public void failed(Exception cause) {
      rides.forEach(ride -> ride.failed(cause));
    }
  }

  /** A gate that never waits: for writers that share no database with others in this process. */
  public static WriteGate none() {
    return NONE;
  }

  /** A gate that lets one writer through at a time, in the order they came. */
  public static WriteGate oneAtATime() {
    return new WriteGate(true);
  }

  private WriteGate(boolean oneAtATime) {
    this.lock = oneAtATime ? new ReentrantLock(true) : null;
  }

  /** Waits for this thread's turn to write; pair with {@link #leave()}. */
  public void enter() {
    if (lock != null) {
      lock.lock();
    }
  }

  /**
   * Offers {@code rider} to the next writer that commits through this gate, and waits for that
   * commit. Returns false at once on an open gate, and after {@code wait} if no writer came: the
   * rider is then withdrawn, never written, and the caller writes on its own.
   *
   * @return true once the carrying transaction committed
   * @throws SQLException if the rider failed or its carrier's transaction did: nothing of it committed
   */
  public boolean ride(Rider rider, Duration wait) throws SQLException, InterruptedException {
    if (lock == null) {
      return false;
    }
    Ride ride = new Ride(rider);
    rides.add(ride);
    try {
      return ride.await(wait);
    } finally {
      rides.remove(ride); // withdrawn, or already taken off the queue
    }
  }

  /**
   * For the writer holding its turn, just before its COMMIT: writes the waiting rides into {@code
   * transaction}, each in a savepoint (a ride that fails is rolled back and told, the others go on).
   * Report the commit's outcome to the result.
   *
   * @throws SQLException if the transaction can no longer be used; the rides taken are told
   */
  public CarriedRides carryRides(Connection transaction) throws SQLException {
    if (rides.isEmpty() || lock == null || !lock.isHeldByCurrentThread()) {
      return CarriedRides.NONE;
    }
    List<Ride> carried = new ArrayList<>();
    Ride ride;
    while ((ride = rides.poll()) != null) {
      if (!ride.take()) {
        continue; // withdrawn
      }
      try (Statement s = transaction.createStatement()) {
        s.execute("SAVEPOINT palisade_ride");
        try {
          ride.write(transaction);
          s.execute("RELEASE palisade_ride");
          carried.add(ride);
        } catch (SQLException | RuntimeException e) {
          ride.failed(e);
          s.execute("ROLLBACK TO palisade_ride");
          s.execute("RELEASE palisade_ride");
        }
      } catch (SQLException broken) {
        ride.failed(broken); // no-op if it was already told
        new CarriedRides(carried).failed(broken);
        throw broken;
      }
    }
    return new CarriedRides(carried);
  }

  /** Ends this thread's turn; does nothing when it holds none (so failure paths may call it twice). */
  public void leave() {
    if (lock != null && lock.isHeldByCurrentThread()) {
      lock.unlock();
    }
  }
}
