package dev.palisade.server.audit;

import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.eth2.signing.SlashingSubject;
import dev.palisade.server.signing.SigningEvent;
import dev.palisade.server.signing.SigningListener;
import java.time.Clock;

/** Turns every signing outcome into an audit entry: time, identity, operator, key, type, slot/epoch, decision, reason. */
public final class AuditingListener implements SigningListener {
  private final AuditWriter writer;
  private final Clock clock;

  public AuditingListener(AuditWriter writer, Clock clock) {
    this.writer = writer;
    this.clock = clock;
  }

  @Override
  public void completed(SigningEvent event) {
    if (event.auditedByStore()) {
      return;
    }
    Long slot = null;
    Long epoch = null;
    if (event.request().isPresent()) {
      var subject = event.request().get().slashingSubject();
      if (subject.isPresent() && subject.get() instanceof SlashingSubject.Block block) {
        slot = block.slot();
      } else if (subject.isPresent() && subject.get() instanceof SlashingSubject.Attestation attestation) {
        epoch = attestation.targetEpoch();
      }
    }
    writer.submit(
        new AuditEntry(
            clock.instant(),
            event.caller().id().value(),
            event.caller().operator().value(),
            event.key().orElse(null),
            event.typeName(),
            slot,
            epoch,
            event.signed() ? AuditDecision.SIGNED : AuditDecision.REFUSED,
            event.signed() ? event.message() : event.refusal().get() + ": " + event.message()));
  }

  /** A request refused before any identity was established (401). */
  public void unauthenticated(String auditReason) {
    writer.submit(
        new AuditEntry(clock.instant(), null, null, null, "unknown", null, null, AuditDecision.REFUSED,
            "unauthenticated: " + auditReason));
  }
}
