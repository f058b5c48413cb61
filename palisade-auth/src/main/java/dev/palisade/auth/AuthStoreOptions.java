package dev.palisade.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the identity store keeps its in-memory view fresh.
 *
 * @param refreshInterval how often the background poller reads the store's revision counter (one
 *     single-row query); a change reloads the view. Bounds how long a revocation made on another
 *     instance takes to apply here.
 * @param maxStaleness when the view has not been confirmed against the database for this long,
 *     authentication fails closed ({@link AuthResult.Unavailable}), because a revocation could be
 *     missing from it. Default 1 s: the promise that a revocation applies within a second.
 * @param clock the wall clock for creation/revocation times and certificate validity checks
 */
public record AuthStoreOptions(Duration refreshInterval, Duration maxStaleness, Clock clock) {
  public AuthStoreOptions {
    Objects.requireNonNull(clock, "clock");
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException("refreshInterval must be positive");
    }
    if (maxStaleness.compareTo(refreshInterval) <= 0) {
      throw new IllegalArgumentException("maxStaleness must exceed refreshInterval");
    }
  }

  public static AuthStoreOptions defaults() {
    return new AuthStoreOptions(Duration.ofMillis(250), Duration.ofSeconds(1), Clock.systemUTC());
  }

  public AuthStoreOptions withClock(Clock newClock) {
    return new AuthStoreOptions(refreshInterval, maxStaleness, newClock);
  }
}
