package dev.palisade.slashing;

/** Store health for /healthcheck. */
public record HealthStatus(boolean up, String message) {
  public static HealthStatus up(String message) {
    return new HealthStatus(true, message);
  }

  public static HealthStatus down(String message) {
    return new HealthStatus(false, message);
  }
}
