package dev.palisade.server.totp;

import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.AuthConflictException;
import dev.palisade.auth.AuthStoreUnavailableException;
import dev.palisade.auth.Identity;
import dev.palisade.auth.IdentityId;
import dev.palisade.auth.IdentityStore;
import dev.palisade.auth.OperatorId;
import dev.palisade.auth.Scope;
import dev.palisade.auth.TotpEnrollment;
import dev.palisade.auth.TotpStore;
import dev.palisade.crypto.SecretBytes;
import dev.palisade.crypto.Totp;
import dev.palisade.server.http.ApiException;
import dev.palisade.server.keys.OperatorKeks;
import dev.palisade.server.keys.SealedKeys;
import dev.palisade.vault.kek.KekProvider;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.keys.TotpSecretSealer;
import dev.palisade.vault.seal.AesGcm;
import dev.palisade.vault.seal.SealedKeyException;
import dev.palisade.vault.seal.SealedTotpSecret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The approvers' TOTP second factor, and the one place that decides whether a vote's code is good:
 * enrollment (a secret made here, sealed under the identity's operator KEK, shown once, required only
 * once its first code confirms it), removal by an admin, and the check every vote of an enrolled
 * approver passes. Codes: RFC 6238, ±1 step of skew, each step accepted once, at most
 * {@value #MAX_WRONG} wrong ones per {@link #WINDOW}. Every step is an audit row without the code.
 * Without the operator's KEK on this node, nothing is sealed or checked (503: fail closed).
 */
public final class ApproverTotp {
  static final int MAX_WRONG = 5;
  static final Duration WINDOW = Duration.ofMinutes(5);
  static final int SKEW_STEPS = 1;

  /** What the enrolling party sees once: the secret as an otpauth URI and as Base32. */
  public record Enrollment(String identity, String otpauthUri, String base32Secret) {
    @Override
    public String toString() {
      return "Enrollment[" + identity + ", redacted]";
    }
  }

  /**
   * Who manages an enrollment: an identity (itself, or an admin of the same operator; the root
   * operator's admins see every operator) or the local CLI user, who holds the database and so acts
   * as the root operator's admin.
   */
  public record Actor(String name, OperatorId operator, boolean admin) {
    public static Actor of(Identity identity) {
      return new Actor(identity.id().value(), identity.operator(), identity.scopes().grants(Scope.ADMIN));
    }

    public static Actor localCli(String user) {
      return new Actor(user, OperatorId.ROOT, true);
    }
  }

  private final TotpStore store;
  private final IdentityStore identities;
  private final OperatorKeks keks;
  private final Clock clock;
  private final Consumer<AuditEntry> audit;
  private final Supplier<byte[]> newSecret;

  public ApproverTotp(TotpStore store, IdentityStore identities, OperatorKeks keks, Clock clock,
      Consumer<AuditEntry> audit) {
    this(store, identities, keks, clock, audit, () -> AesGcm.randomBytes(Totp.SECRET_BYTES));
  }

  /** {@code newSecret}: a fresh array the enrollment takes (and wipes); tests give RFC 6238's secret. */
  ApproverTotp(TotpStore store, IdentityStore identities, OperatorKeks keks, Clock clock,
      Consumer<AuditEntry> audit, Supplier<byte[]> newSecret) {
    this.store = store;
    this.identities = identities;
    this.keks = keks;
    this.clock = clock;
    this.audit = audit;
    this.newSecret = newSecret;
  }

  /** A new secret for {@code target} (the caller itself, or by an admin of its operator), pending until confirmed. */
  public Enrollment enroll(Actor actor, String target) {
    Identity approver = visible(actor, target, true);
    if (!approver.scopes().grants(Scope.APPROVE)) {
      throw new ApiException.Conflict(approver.id() + " does not hold the approve scope: TOTP is a second factor for votes");
    }
    KekProvider kek = keks.of(approver.operator()).flatMap(SealedKeys::kek).orElseThrow(() -> kekUnavailable(approver));
    try (SecretBytes secret = SecretBytes.takeOwnership(newSecret.get())) {
      SealedTotpSecret sealed = TotpSecretSealer.seal(secret, approver.id().value(),
          new dev.palisade.vault.seal.OperatorId(approver.operator().value()), kek);
      stored(() -> {
        store.savePending(new TotpEnrollment(approver.id(), approver.operator(), sealed.formatVersion(), sealed.kekId(),
            sealed.wrappedDek(), sealed.nonce(), sealed.ciphertext(), clock.instant(), Optional.empty(), -1));
        return null;
      });
      record(actor, approver, "TOTP_ENROLL", AuditDecision.CHANGED, "TOTP enrollment of " + approver.id()
          + " started (pending until its first code)");
      return new Enrollment(approver.id().value(),
          Totp.otpauthUri("Palisade " + approver.operator(), approver.id().value(), secret.array()),
          Totp.base32(secret.array()));
    } catch (SealedKeyException e) {
      throw kekUnavailable(approver);
    }
  }

  /** Confirms a pending enrollment with its first valid code; from then on every vote needs one. */
  public void confirm(Actor actor, String target, String code) {
    Identity approver = visible(actor, target, true);
    TotpEnrollment pending = stored(() -> store.find(approver.id())).filter(e -> !e.confirmed())
        .orElseThrow(() -> new ApiException.Conflict("no pending TOTP enrollment for " + approver.id()));
    long step = verify(actor, approver, pending, code);
    if (!stored(() -> store.confirm(approver.id(), step, clock.instant()))) {
      throw new ApiException.Conflict("no pending TOTP enrollment for " + approver.id());
    }
    record(actor, approver, "TOTP_CONFIRM", AuditDecision.CHANGED, "TOTP of " + approver.id() + " confirmed");
  }

  /** Removes {@code target}'s enrollment, pending or confirmed: only an admin of its operator. */
  public void remove(Actor actor, String target) {
    Identity approver = visible(actor, target, false);
    if (!stored(() -> store.remove(approver.id()))) {
      throw new ApiException.NotFound(approver.id() + " has no TOTP enrollment");
    }
    record(actor, approver, "TOTP_REMOVE", AuditDecision.CHANGED, "TOTP of " + approver.id() + " removed");
  }

  /** Whether {@code target} has enrolled: "none", "pending" or "confirmed". */
  public String status(Actor actor, String target) {
    Identity approver = visible(actor, target, true);
    return stored(() -> store.find(approver.id())).map(e -> e.confirmed() ? "confirmed" : "pending").orElse("none");
  }

  /**
   * Passes when {@code code} is a fresh valid code of {@code voter}'s confirmed secret, or when the
   * voter has none and the policy in force does not require one ({@code totp: required} on the
   * approval's rule); otherwise refuses (403, 429 or 503) and the caller records no vote.
   */
  public void checkVote(Identity voter, String code, boolean requiredByPolicy) {
    Actor approver = Actor.of(voter);
    Optional<TotpEnrollment> enrollment = stored(() -> store.find(voter.id())).filter(TotpEnrollment::confirmed);
    if (enrollment.isEmpty()) {
      if (requiredByPolicy) {
        record(approver, voter, "TOTP_REFUSE", AuditDecision.REFUSED, "vote refused: the policy requires TOTP and "
            + voter.id() + " has not enrolled");
        throw new ApiException.Forbidden("totp required by policy: " + voter.id() + " has no confirmed TOTP enrollment"
            + " (palisade identity totp enroll, or POST /admin/v1/identities/" + voter.id() + "/totp)");
      }
      return;
    }
    if (code == null || code.isBlank()) {
      record(approver, voter, "TOTP_REFUSE", AuditDecision.REFUSED, "vote without a TOTP code");
      throw new ApiException.Forbidden("totp code required: " + voter.id() + " has enrolled a TOTP second factor");
    }
    long step = verify(approver, voter, enrollment.get(), code);
    if (!stored(() -> store.accept(voter.id(), step))) {
      record(approver, voter, "TOTP_REFUSE", AuditDecision.REFUSED, "TOTP code of an already used time step");
      throw new ApiException.Forbidden("totp code invalid: that code was already used");
    }
    record(approver, voter, "TOTP_ACCEPT", AuditDecision.CHANGED, "TOTP code accepted for a vote");
  }

  /** The time step of a valid code; refuses a malformed or wrong one, or any once the budget is spent. */
  private long verify(Actor actor, Identity approver, TotpEnrollment enrollment, String code) {
    if (!Totp.isWellFormed(code)) {
      throw new ApiException.BadRequest("totp", "totp must be the 6 digits an authenticator app shows");
    }
    KekRing ring = keks.of(approver.operator()).map(SealedKeys::ring).orElseThrow(() -> kekUnavailable(approver));
    Instant now = clock.instant();
    if (!stored(() -> store.reserveAttempt(approver.id(), now, MAX_WRONG, WINDOW))) {
      record(actor, approver, "TOTP_REFUSE", AuditDecision.REFUSED, "TOTP attempts locked: " + MAX_WRONG
          + " wrong codes within " + WINDOW.toMinutes() + " minutes");
      throw new ApiException.TooManyRequests("too many wrong totp codes for " + approver.id() + ": try again in "
          + WINDOW.toMinutes() + " minutes");
    }
    SealedTotpSecret sealed = new SealedTotpSecret(enrollment.identity().value(),
        new dev.palisade.vault.seal.OperatorId(enrollment.operator().value()), enrollment.formatVersion(),
        enrollment.kekId(), enrollment.wrappedDek(), enrollment.nonce(), enrollment.ciphertext());
    OptionalLong step;
    try (SecretBytes secret = TotpSecretSealer.open(sealed, ring)) {
      step = Totp.matchingStep(secret.array(), code, Totp.step(now), SKEW_STEPS);
    } catch (SealedKeyException e) {
      throw kekUnavailable(approver);
    }
    if (step.isEmpty()) {
      record(actor, approver, "TOTP_REFUSE", AuditDecision.REFUSED, "wrong TOTP code");
      throw new ApiException.Forbidden("totp code invalid");
    }
    return step.getAsLong();
  }

  /** The active identity named {@code name}, seen from {@code actor}'s operator; itself, or managed by an admin. */
  private Identity visible(Actor actor, String name, boolean selfAllowed) {
    IdentityId id;
    try {
      id = IdentityId.of(name);
    } catch (IllegalArgumentException e) {
      throw new ApiException.BadRequest("name", e.getMessage());
    }
    Identity target = stored(() -> identities.findIdentity(id)).filter(found -> !found.isRevoked())
        .filter(found -> actor.operator().equals(OperatorId.ROOT) || found.operator().equals(actor.operator()))
        .orElseThrow(() -> new ApiException.NotFound("no identity " + name));
    boolean self = actor.name().equals(target.id().value());
    if (!(self && selfAllowed) && !actor.admin()) {
      throw new ApiException.Forbidden(selfAllowed
          ? "missing scope admin: only the identity itself or an admin of its operator manages its TOTP"
          : "missing scope admin: only an admin of its operator removes a TOTP enrollment");
    }
    return target;
  }

  private static ApiException kekUnavailable(Identity approver) {
    return new ApiException.Unavailable("the KEK of operator " + approver.operator() + " is not unlocked on this"
        + " node: TOTP secrets cannot be sealed or checked");
  }

  private static <T> T stored(Supplier<T> work) {
    try {
      return work.get();
    } catch (AuthConflictException e) {
      throw new ApiException.Conflict(e.getMessage());
    } catch (AuthStoreUnavailableException e) {
      throw new ApiException.Unavailable("identity database is unavailable");
    }
  }

  private void record(Actor actor, Identity approver, String event, AuditDecision decision, String detail) {
    String by = actor.name().equals(approver.id().value()) ? "" : " (by " + actor.name() + ")";
    audit.accept(new AuditEntry(clock.instant(), actor.name(), approver.operator().value(), null, event,
        null, null, decision, detail + by));
  }
}
