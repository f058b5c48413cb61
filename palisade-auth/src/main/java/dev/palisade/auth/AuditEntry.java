package dev.palisade.auth;

import dev.palisade.eth2.BlsPublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One event for the audit log: a signature made or a request refused. Fields that do not apply are
 * null (no identity for an unauthenticated request; no key for a refused listing; no slot for a
 * deposit). {@code slot} and {@code epoch} hold unsigned 64-bit values in a long's bits, as
 * everywhere in Palisade. {@code reason} must never contain a secret.
 *
 * <p>The time is truncated to milliseconds and long text cut to its column size here, so the row
 * hashed is exactly the row stored.
 */
public record AuditEntry(
    Instant time,
    String identity,
    String operator,
    BlsPublicKey key,
    String signingType,
    Long slot,
    Long epoch,
    AuditDecision decision,
    String reason) {

  static final int MAX_REASON = 1024;
  static final int MAX_NAME = 64;

  public AuditEntry {
    time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MILLIS);
    identity = cap(identity, MAX_NAME);
    operator = cap(operator, MAX_NAME);
    signingType = cap(signingType, MAX_NAME);
    Objects.requireNonNull(decision, "decision");
    reason = cap(Objects.requireNonNull(reason, "reason"), MAX_REASON);
  }

  /** A signature made for an authenticated identity. */
  public static AuditEntry signed(
      Instant time, Identity identity, BlsPublicKey key, String signingType, Long slot, Long epoch) {
    return new AuditEntry(
        time,
        identity.id().value(),
        identity.operator().value(),
        key,
        signingType,
        slot,
        epoch,
        AuditDecision.SIGNED,
        "signed");
  }

  /** A refusal; {@code identity} is null when the caller was not authenticated. */
  public static AuditEntry refused(
      Instant time,
      Identity identity,
      BlsPublicKey key,
      String signingType,
      Long slot,
      Long epoch,
      String reason) {
    return new AuditEntry(
        time,
        identity == null ? null : identity.id().value(),
        identity == null ? null : identity.operator().value(),
        key,
        signingType,
        slot,
        epoch,
        AuditDecision.REFUSED,
        reason);
  }

  private static String cap(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    // Never split a surrogate pair: the stored text must encode to the bytes that were hashed.
    int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, end);
  }
}
