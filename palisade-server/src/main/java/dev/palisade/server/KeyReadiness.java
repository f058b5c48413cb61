package dev.palisade.server;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.server.http.ApiException;
import dev.palisade.vault.Vault;
import java.util.Collection;
import java.util.Map;

/**
 * Whether the node's keys are loaded and how many configured keys failed: signing and the key
 * list wait for it (503 until loaded, so a client never sees an empty or partial list), and
 * {@code /healthcheck} reports it (DOWN when a configured key failed, unless that is tolerated).
 */
final class KeyReadiness {
  private final Vault vault;
  private volatile boolean loaded;
  private volatile int failed;
  private volatile boolean tolerated;

  KeyReadiness(Vault vault) {
    this.vault = vault;
  }

  boolean loaded() {
    return loaded;
  }

  /** Keys that did not load (sealed keys, read before the keystores). */
  synchronized void failed(int count) {
    failed += count;
  }

  /** Every configured key is in (or failed): the node is ready. */
  synchronized void markLoaded(int failedKeystores, boolean tolerateFailures) {
    failed += failedKeystores;
    tolerated = tolerateFailures;
    loaded = true;
  }

  /** The keys to list, or 503 while they are still loading. */
  Collection<BlsPublicKey> readyKeys() {
    if (!loaded) {
      throw new ApiException.Unavailable("keys are still loading; try again shortly");
    }
    return vault.publicKeys();
  }

  /** A remote vault answers LIST_KEYS over the socket; a failure counts as none. */
  int loadedKeyCount() {
    try {
      return vault.publicKeys().size();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  HealthCheck check() {
    return () -> {
      Map<String, Object> data = Map.of("keys-loaded", loadedKeyCount(), "keys-failed", failed,
          "failures-tolerated", tolerated);
      return loaded && (failed == 0 || tolerated)
          ? HealthCheck.Result.up("keys-check", data)
          : HealthCheck.Result.down("keys-check", data);
    };
  }
}
