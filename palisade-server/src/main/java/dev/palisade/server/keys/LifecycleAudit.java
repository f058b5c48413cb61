package dev.palisade.server.keys;

import dev.palisade.eth2.BlsPublicKey;

/**
 * Records a lifecycle event (a key imported, re-imported or deleted) durably before the caller
 * answers; throws if it cannot, so the change is reported as failed rather than silent.
 */
@FunctionalInterface
public interface LifecycleAudit {
  void record(Actor actor, BlsPublicKey key, String event, String detail);
}
