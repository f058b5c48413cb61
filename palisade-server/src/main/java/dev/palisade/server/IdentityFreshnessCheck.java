package dev.palisade.server;

import dev.palisade.auth.PresentedCredentials;
import dev.palisade.server.access.AccessControl;
import dev.palisade.server.http.ApiException;
import java.util.Map;

/**
 * DOWN while authentication fails closed because the identity view has not been refreshed (its
 * poller stopped, or the database is unreachable): every request then gets 503, so health must not
 * say UP. Probes with no credentials, which reaches the freshness check and nothing else.
 */
final class IdentityFreshnessCheck implements HealthCheck {
  private static final String ID = "identity-store";
  private final AccessControl access;

  IdentityFreshnessCheck(AccessControl access) {
    this.access = access;
  }

  @Override
  public Result check() {
    try {
      access.authenticate(PresentedCredentials.of(null, null, null));
      return Result.up(ID, Map.of());
    } catch (ApiException.Unauthenticated expected) {
      return Result.up(ID, Map.of());
    } catch (ApiException.Unavailable e) {
      return Result.down(ID, Map.of("error", "identities not confirmed fresh; requests are refused with 503"));
    }
  }
}
