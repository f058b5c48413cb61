package dev.palisade.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@link WriteGate.Rider} on its way: offered, then either taken by exactly one carrier (which
 * reports its commit or failure) or withdrawn by its offerer, never both.
 */
final class Ride {
  private static final int OFFERED = 0;
  private static final int TAKEN = 1;
  private static final int WITHDRAWN = 2;

  private final WriteGate.Rider rider;
  private final AtomicInteger state = new AtomicInteger(OFFERED);
  private final CompletableFuture<Void> outcome = new CompletableFuture<>();

  Ride(WriteGate.Rider rider) {
    this.rider = rider;
  }

  /** For a carrier: true if this ride is now its to write and report on. */
  boolean take() {
    return state.compareAndSet(OFFERED, TAKEN);
  }

  void write(Connection transaction) throws SQLException {
    rider.write(transaction);
  }

  void committed() {
    outcome.complete(null);
  }

  void failed(Exception cause) {
    outcome.completeExceptionally(cause);
  }

  /**
   * True once a carrier committed it; false if no carrier took it within {@code wait} (it is then
   * withdrawn and never written).
   *
   * @throws SQLException if the carrier rolled it back: nothing of it was committed
   */
  boolean await(Duration wait) throws SQLException, InterruptedException {
    try {
      outcome.get(wait.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      if (state.compareAndSet(OFFERED, WITHDRAWN)) {
        return false;
      }
    } catch (InterruptedException e) {
      if (state.compareAndSet(OFFERED, WITHDRAWN)) {
        throw e;
      }
      Thread.currentThread().interrupt(); // taken: its carrier decides within its own commit
    } catch (ExecutionException e) {
      throw failure(e);
    }
    try {
      outcome.join();
      return true;
    } catch (RuntimeException e) {
      throw failure(e);
    }
  }

  private static SQLException failure(Exception wrapped) {
    Throwable cause = wrapped.getCause() != null ? wrapped.getCause() : wrapped;
    return cause instanceof SQLException sql ? sql : new SQLException("the carrying transaction failed", cause);
  }
}
