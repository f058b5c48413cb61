package dev.palisade.server.audit;

import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.eth2.signing.SlashingSubject;
import dev.palisade.server.signing.SigningEvent;
import dev.palisade.server.signing.SigningListener;
import dev.palisade.server.signing.SigningService;
import java.time.Clock;
import java.util.Set;

/**
 * Turns every signing outcome into an audit entry: time, identity, operator, key, type, slot/epoch,
 * decision, reason. Exits and deposits (signed or refused) are written durably before the answer;
 * everything else is batched.
 */
public final class AuditingListener implements SigningListener {
  /** Irreversible, rare and high-value: never answered without their audit row. */
  static final Set<String> DURABLE_TYPES = Set.of("VOLUNTARY_EXIT", "DEPOSIT");

  private final AuditWriter writer;
  private final Clock clock;

  public AuditingListener(AuditWriter writer, Clock clock) {
    this.writer = writer;
    this.clock = clock;
  }

  @Override
  public boolean waitsToRecord(String typeName) {
    return DURABLE_TYPES.contains(typeName);
  }

  /** @throws dev.palisade.server.http.ApiException.Unavailable when a durable row cannot be written */
  @Override
  public void completed(SigningEvent event) {
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
    AuditEntry entry =
        new AuditEntry(
            clock.instant(),
            event.caller().id().value(),
            event.caller().operator().value(),
            event.key().orElse(null),
            event.typeName(),
            slot,
            epoch,
            event.signed() ? AuditDecision.SIGNED : AuditDecision.REFUSED,
            event.signed() ? event.message() : event.refusal().get() + ": " + event.message());
    // the row recording that the durable append failed can only be best effort
    boolean auditFailed = event.refusal().filter(SigningService.AUDIT_UNAVAILABLE::equals).isPresent();
    if (DURABLE_TYPES.contains(event.typeName()) && !auditFailed) {
      writer.appendDurably(entry);
    } else {
      writer.submit(entry);
    }
  }

  /** A request refused before any identity was established (401): counted per source and minute. */
  public void unauthenticated(String source, String auditReason) {
    writer.unauthenticated(source, auditReason);
  }
}
