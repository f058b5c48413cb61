package dev.palisade.server.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.Credential;
import dev.palisade.auth.Identity;
import dev.palisade.auth.IdentityId;
import dev.palisade.auth.IdentityStore;
import dev.palisade.auth.NewIdentity;
import dev.palisade.auth.OperatorId;
import dev.palisade.auth.TotpStore;
import dev.palisade.server.http.ApiException;
import dev.palisade.server.keys.OperatorKeks;
import dev.palisade.server.keys.SealedKeysConfig;
import dev.palisade.store.Database;
import dev.palisade.store.DatabaseConfig;
import dev.palisade.vault.kek.Passphrase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The approvers' second factor with a fixed clock and RFC 6238's SHA-1 secret ("12345678901234567890"),
 * so every code below is the last six digits of an Appendix B vector: T=59 → 94287082,
 * T=1111111109 → 07081804, T=1111111111 → 14050471, T=1234567890 → 89005924.
 */
class ApproverTotpTest {
  static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path data;
  private Database database;
  private IdentityStore identities;
  private OperatorKeks keks;
  private final List<AuditEntry> audit = new ArrayList<>();
  private Instant now = Instant.ofEpochSecond(59);
  private final Clock clock = new Clock() {
    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  };
  private ApproverTotp totp;
  private Identity alice;
  private Identity admin;

  @BeforeEach
  void open() {
    database = Database.open(DatabaseConfig.sqlite(data));
    identities = IdentityStore.open(database.dataSource(), database.dialect());
    for (String operator : List.of("default", "opb")) {
      if (identities.listOperators().stream().noneMatch(o -> o.id().value().equals(operator))) {
        identities.createOperator(OperatorId.of(operator));
      }
    }
    identities.createIdentity(NewIdentity.of("alice", "default", new Credential.BearerToken(), "approve"));
    identities.createIdentity(NewIdentity.of("admin", "default", new Credential.BearerToken(), "admin"));
    identities.createIdentity(NewIdentity.of("opb-admin", "opb", new Credential.BearerToken(), "admin"));
    identities.createIdentity(NewIdentity.of("signer", "default", new Credential.BearerToken(), "sign:exit"));
    keks = OperatorKeks.open(Map.of("default", new SealedKeysConfig(data.resolve("kek.sealed"),
        Optional.of(() -> Passphrase.of("kek passphrase")), Optional.empty())), database);
    totp = gate(keks);
    alice = identity("alice");
    admin = identity("admin");
  }

  @AfterEach
  void close() {
    keks.close();
    identities.close();
    database.close();
  }

  private ApproverTotp gate(OperatorKeks with) {
    return new ApproverTotp(new TotpStore(database.dataSource()), identities, with, clock, audit::add,
        RFC_SECRET::clone);
  }

  private Identity identity(String name) {
    return identities.findIdentity(IdentityId.of(name)).orElseThrow();
  }

  private static ApiException refused(Class<? extends ApiException> kind, String message, Executable step) {
    ApiException e = (ApiException) assertThrows(kind, step);
    assertTrue(e.getMessage().contains(message), e.getMessage());
    return e;
  }

  private void enrollAndConfirmAlice() {
    ApproverTotp.Enrollment enrollment = totp.enroll(ApproverTotp.Actor.of(alice), "alice");
    assertEquals("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", enrollment.base32Secret());
    totp.confirm(ApproverTotp.Actor.of(alice), "alice", "287082"); // T=59
  }

  @Test
  void enrollmentIsRequiredOnlyOnceTheFirstValidCodeConfirmsIt() {
    ApproverTotp.Enrollment enrollment = totp.enroll(ApproverTotp.Actor.of(alice), "alice");
    assertTrue(enrollment.otpauthUri().startsWith("otpauth://totp/Palisade%20default:alice?secret="
        + "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&"), enrollment.otpauthUri());
    assertEquals("pending", totp.status(ApproverTotp.Actor.of(alice), "alice"));
    totp.checkVote(alice, null, false); // a typo'd setup locks nobody out
    refused(ApiException.Forbidden.class, "totp code invalid",
        () -> totp.confirm(ApproverTotp.Actor.of(alice), "alice", "287083"));
    assertEquals("pending", totp.status(ApproverTotp.Actor.of(alice), "alice"));
    totp.confirm(ApproverTotp.Actor.of(alice), "alice", "287082");
    assertEquals("confirmed", totp.status(ApproverTotp.Actor.of(alice), "alice"));
    refused(ApiException.Forbidden.class, "totp code required", () -> totp.checkVote(alice, null, false));
    refused(ApiException.Conflict.class, "removes it first", () -> totp.enroll(ApproverTotp.Actor.of(alice), "alice"));
    refused(ApiException.Conflict.class, "approve scope", () -> totp.enroll(ApproverTotp.Actor.of(admin), "signer"));
  }

  @Test
  void aCodeIsAcceptedOnceWithinOneStepOfSkew() {
    enrollAndConfirmAlice();
    refused(ApiException.Forbidden.class, "already used", () -> totp.checkVote(alice, "287082", false));
    now = Instant.ofEpochSecond(1111111109 + 30); // one step late
    totp.checkVote(alice, "081804", false);
    refused(ApiException.Forbidden.class, "already used", () -> totp.checkVote(alice, "081804", false));
    now = Instant.ofEpochSecond(1111111111 - 30); // one step early: 050471 is the next step's code
    refused(ApiException.Forbidden.class, "already used", () -> totp.checkVote(alice, "081804", false));
    totp.checkVote(alice, "050471", false);
    now = Instant.ofEpochSecond(1234567890 + 60); // two steps late
    refused(ApiException.Forbidden.class, "totp code invalid", () -> totp.checkVote(alice, "005924", false));
    now = Instant.ofEpochSecond(1234567890);
    totp.checkVote(alice, "005924", false);
    refused(ApiException.BadRequest.class, "6 digits", () -> totp.checkVote(alice, "00592", false));
  }

  @Test
  void fiveWrongCodesLockTheApproverOutForFiveMinutes() {
    enrollAndConfirmAlice();
    now = Instant.ofEpochSecond(1111111109);
    for (int i = 0; i < ApproverTotp.MAX_WRONG; i++) {
      refused(ApiException.Forbidden.class, "totp code invalid", () -> totp.checkVote(alice, "123456", false));
    }
    refused(ApiException.TooManyRequests.class, "too many wrong totp codes",
        () -> totp.checkVote(alice, "081804", false)); // even the right code: the budget is spent
    now = now.plus(ApproverTotp.WINDOW).minusSeconds(1);
    refused(ApiException.TooManyRequests.class, "too many", () -> totp.checkVote(alice, "081804", false));
    now = Instant.ofEpochSecond(1234567890); // later: a new window
    totp.checkVote(alice, "005924", false);
  }

  @Test
  void onlyAnAdminOfTheSameOperatorRemovesAnEnrollment() {
    enrollAndConfirmAlice();
    refused(ApiException.Forbidden.class, "missing scope admin", () -> totp.remove(ApproverTotp.Actor.of(alice), "alice"));
    refused(ApiException.NotFound.class, "no identity alice",
        () -> totp.remove(ApproverTotp.Actor.of(identity("opb-admin")), "alice"));
    refused(ApiException.Forbidden.class, "missing scope admin",
        () -> totp.enroll(ApproverTotp.Actor.of(identity("signer")), "alice"));
    totp.remove(ApproverTotp.Actor.of(admin), "alice");
    assertEquals("none", totp.status(ApproverTotp.Actor.of(admin), "alice"));
    totp.checkVote(alice, null, false);
    refused(ApiException.Forbidden.class, "totp required by policy",
        () -> totp.checkVote(alice, null, true)); // a rule with totp: required admits no un-enrolled approver
    refused(ApiException.NotFound.class, "no TOTP enrollment", () -> totp.remove(ApproverTotp.Actor.of(admin), "alice"));
  }

  @Test
  void withoutTheOperatorsKekNothingIsSealedOrChecked() {
    enrollAndConfirmAlice();
    ApproverTotp locked = gate(OperatorKeks.ephemeral());
    now = Instant.ofEpochSecond(1111111109);
    refused(ApiException.Unavailable.class, "KEK of operator default is not unlocked",
        () -> locked.checkVote(alice, "081804", false));
    refused(ApiException.Unavailable.class, "not unlocked", () -> locked.enroll(ApproverTotp.Actor.of(alice), "alice"));
    totp.checkVote(alice, "081804", false); // the refusal used up neither the code nor the budget
  }

  @Test
  void theSecretIsSealedAtRestAndNeitherItNorACodeIsAudited() throws Exception {
    enrollAndConfirmAlice();
    now = Instant.ofEpochSecond(1111111109);
    refused(ApiException.Forbidden.class, "invalid", () -> totp.checkVote(alice, "999999", false));
    totp.checkVote(alice, "081804", false);
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet row = s.executeQuery("select secret_ciphertext, wrapped_dek from auth_identity_totp")) {
      assertTrue(row.next());
      String stored = new String(row.getBytes(1), StandardCharsets.ISO_8859_1) + new String(row.getBytes(2),
          StandardCharsets.ISO_8859_1);
      assertFalse(stored.contains("12345678901234567890"), "the secret is not stored in clear");
    }
    List<String> events = audit.stream().map(AuditEntry::signingType).toList();
    assertEquals(List.of("TOTP_ENROLL", "TOTP_CONFIRM", "TOTP_REFUSE", "TOTP_ACCEPT"), events);
    for (AuditEntry entry : audit) {
      for (String secret : List.of("287082", "999999", "081804", "GEZDGNBVGY3TQOJQ", "12345678901234567890")) {
        assertFalse(entry.toString().contains(secret) || entry.reason().contains(secret), entry.toString());
      }
    }
  }
}
