package dev.palisade.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.store.Dialect;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** auth_identity_totp on both dialects: pending/confirmed, one acceptance per step, the wrong-code budget. */
class TotpStoreTest {
  private static final IdentityId ALICE = IdentityId.of("alice");
  private static final Instant T0 = Instant.parse("2026-12-05T00:00:00Z");

  private static TotpEnrollment pending(byte[] ciphertext) {
    return new TotpEnrollment(ALICE, OperatorId.of("default"), 1, "file:kek", new byte[] {1, 2}, new byte[12],
        ciphertext, T0, Optional.empty(), -1);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aStepIsAcceptedOnceAndAConfirmedEnrollmentIsReplacedOnlyAfterRemoval(Dialect dialect) {
    DataSource ds = TestDatabases.fresh(dialect);
    try (IdentityStore identities = IdentityStore.open(ds, dialect)) {
      identities.createOperator(OperatorId.of("default"));
      identities.createIdentity(NewIdentity.of("alice", "default", new Credential.BearerToken(), "approve"));
      TotpStore store = new TotpStore(ds);
      assertTrue(store.find(ALICE).isEmpty());
      store.savePending(pending(new byte[] {9}));
      store.savePending(pending(new byte[] {7, 7})); // a setup done again replaces the pending one
      TotpEnrollment found = store.find(ALICE).orElseThrow();
      assertArrayEquals(new byte[] {7, 7}, found.ciphertext());
      assertFalse(found.confirmed());
      assertFalse(store.accept(ALICE, 5), "an unconfirmed enrollment accepts nothing");

      assertTrue(store.confirm(ALICE, 10, T0));
      assertFalse(store.confirm(ALICE, 11, T0), "confirmed once");
      assertEquals(10, store.find(ALICE).orElseThrow().lastStep());
      assertFalse(store.accept(ALICE, 10), "the confirming code's step is used");
      assertFalse(store.accept(ALICE, 9), "an older step never passes");
      assertTrue(store.accept(ALICE, 11));
      assertFalse(store.accept(ALICE, 11), "replay");

      assertThrows(AuthConflictException.class, () -> store.savePending(pending(new byte[] {1})));
      assertArrayEquals(new byte[] {7, 7}, store.find(ALICE).orElseThrow().ciphertext(), "unchanged by the refusal");
      assertTrue(store.remove(ALICE));
      assertFalse(store.remove(ALICE));
      store.savePending(pending(new byte[] {3}));
      assertFalse(store.find(ALICE).orElseThrow().confirmed());
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void theWrongCodeBudgetHoldsFivePerWindowAndAnAcceptedCodeRefundsIt(Dialect dialect) {
    DataSource ds = TestDatabases.fresh(dialect);
    try (IdentityStore identities = IdentityStore.open(ds, dialect)) {
      identities.createOperator(OperatorId.of("default"));
      identities.createIdentity(NewIdentity.of("alice", "default", new Credential.BearerToken(), "approve"));
      TotpStore store = new TotpStore(ds);
      store.savePending(pending(new byte[] {1}));
      store.confirm(ALICE, 1, T0);
      Duration window = Duration.ofMinutes(5);
      for (int i = 0; i < 5; i++) {
        assertTrue(store.reserveAttempt(ALICE, T0.plusSeconds(i), 5, window), "attempt " + (i + 1));
      }
      assertFalse(store.reserveAttempt(ALICE, T0.plusSeconds(10), 5, window), "the sixth within the window");
      assertFalse(store.reserveAttempt(ALICE, T0.plus(window).minusMillis(1), 5, window), "the window runs from the first");
      assertTrue(store.reserveAttempt(ALICE, T0.plus(window), 5, window), "a new window");
      for (int i = 0; i < 4; i++) {
        assertTrue(store.reserveAttempt(ALICE, T0.plus(window).plusSeconds(1), 5, window));
      }
      assertFalse(store.reserveAttempt(ALICE, T0.plus(window).plusSeconds(2), 5, window));
      assertTrue(store.accept(ALICE, 2), "accepting is not limited by the budget");
      assertTrue(store.reserveAttempt(ALICE, T0.plus(window).plusSeconds(3), 5, window), "refunded");
      assertFalse(store.reserveAttempt(IdentityId.of("nobody"), T0, 5, window), "no enrollment, no attempt");
    }
  }
}
