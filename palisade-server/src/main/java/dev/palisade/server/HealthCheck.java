package dev.palisade.server;

import java.util.Map;

/** One named check reported by {@code /healthcheck}; it may block briefly (it runs off the event loop). */
@FunctionalInterface
public interface HealthCheck {
  Result check();

  record Result(String id, boolean up, Map<String, Object> data) {
    public static Result up(String id, Map<String, Object> data) {
      return new Result(id, true, data);
    }

    public static Result down(String id, Map<String, Object> data) {
      return new Result(id, false, data);
    }
  }
}
