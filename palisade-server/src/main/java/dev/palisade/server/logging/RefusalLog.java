package dev.palisade.server.logging;

import dev.palisade.eth2.signing.SlashingSubject;
import dev.palisade.server.signing.SigningEvent;
import dev.palisade.server.signing.SigningListener;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every refused signing request as one WARN line naming key, type, slot or epoch, rule and
 * caller — an operator sees a 412 double proposal in the signer's own log, not only in the
 * client's. Rate-limited (a token bucket) so a flood of refusals cannot fill a disk; what was
 * suppressed is counted in the next line that gets through.
 */
public final class RefusalLog implements SigningListener {
  private static final Logger LOG = LoggerFactory.getLogger("palisade.refusals");

  private final long ratePerSecond;
  private final long burst;
  private final LongSupplier nanoTime;
  private final AtomicLong suppressed = new AtomicLong();
  private long tokens;
  private long refilledAt;

  public RefusalLog(long ratePerSecond, long burst, LongSupplier nanoTime) {
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.refilledAt = nanoTime.getAsLong();
  }

  public static RefusalLog standard() {
    return new RefusalLog(20, 200, System::nanoTime);
  }

  @Override
  public void completed(SigningEvent event) {
    if (event.signed()) {
      return;
    }
    if (!take()) {
      suppressed.incrementAndGet();
      return;
    }
    long dropped = suppressed.getAndSet(0);
    LOG.warn("refused {} for key {}{}: {} ({}) caller {} of operator {}{}",
        event.typeName(),
        event.key().map(Object::toString).orElse("(none)"),
        position(event),
        event.refusal().orElse("?"),
        event.message(),
        event.caller().id(),
        event.caller().operator(),
        dropped == 0 ? "" : "; " + dropped + " earlier refusal(s) not logged (rate limit)");
  }

  private static String position(SigningEvent event) {
    if (event.request().isEmpty()) {
      return "";
    }
    return event.request().get().slashingSubject().map(subject -> {
      if (subject instanceof SlashingSubject.Attestation attestation) {
        return " source " + Long.toUnsignedString(attestation.sourceEpoch())
            + " target " + Long.toUnsignedString(attestation.targetEpoch());
      }
      return " slot " + Long.toUnsignedString(((SlashingSubject.Block) subject).slot());
    }).orElse("");
  }

  private synchronized boolean take() {
    long now = nanoTime.getAsLong();
    long earned = (now - refilledAt) * ratePerSecond / 1_000_000_000L;
    if (earned > 0) {
      tokens = Math.min(burst, tokens + earned);
      refilledAt = now;
    }
    if (tokens == 0) {
      return false;
    }
    tokens--;
    return true;
  }

  /** Refusals not logged since the last line that was. */
  public long suppressed() {
    return suppressed.get();
  }
}
