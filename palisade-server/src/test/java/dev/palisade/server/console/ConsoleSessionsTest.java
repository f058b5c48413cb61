package dev.palisade.server.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.IdentityId;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ConsoleSessionsTest {
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));
  private final Clock clock = new Clock() {
    @Override
    public Instant instant() {
      return now.get();
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
  private final ConsoleSessions sessions = new ConsoleSessions(new SecureRandom(), clock, Duration.ofMinutes(15));

  @Test
  void aSessionEndsAfterTheIdleTimeoutButEachRequestRestartsIt() {
    String cookie = sessions.open(IdentityId.of("ops")).orElseThrow().cookie();
    now.set(now.get().plus(Duration.ofMinutes(14)));
    assertTrue(sessions.touch(cookie).isPresent(), "used within the timeout");
    now.set(now.get().plus(Duration.ofMinutes(14)));
    assertTrue(sessions.touch(cookie).isPresent(), "the idle clock restarted at the last request");
    now.set(now.get().plus(Duration.ofMinutes(15)));
    assertTrue(sessions.touch(cookie).isEmpty(), "idle for 15 minutes: ended");
    now.set(now.get().minus(Duration.ofMinutes(10)));
    assertTrue(sessions.touch(cookie).isEmpty(), "an ended session stays ended");
  }

  @Test
  void logoutEndsOnlyThatSessionAndCsrfTokensAreBoundToTheirSession() {
    ConsoleSessions.Opened first = sessions.open(IdentityId.of("ops")).orElseThrow();
    ConsoleSessions.Opened second = sessions.open(IdentityId.of("ops")).orElseThrow();
    assertFalse(ConsoleSessions.csrfMatches(second.session(), first.session().csrf()));
    assertFalse(ConsoleSessions.csrfMatches(second.session(), null));
    assertTrue(ConsoleSessions.csrfMatches(second.session(), second.session().csrf()));
    sessions.close(first.session());
    assertTrue(sessions.touch(first.cookie()).isEmpty());
    assertTrue(sessions.touch(second.cookie()).isPresent());
    assertFalse(first.toString().contains(first.cookie()) || first.toString().contains(first.session().csrf()),
        "no secret in toString");
  }

  @Test
  void sessionsAreBoundedAndACookieIsNotKeptInTheClear() {
    for (int i = 0; i < ConsoleSessions.MAX_SESSIONS; i++) {
      assertTrue(sessions.open(IdentityId.of("ops")).isPresent());
    }
    assertTrue(sessions.open(IdentityId.of("ops")).isEmpty(), "full");
    now.set(now.get().plus(Duration.ofMinutes(16)));
    ConsoleSessions.Opened after = sessions.open(IdentityId.of("ops")).orElseThrow();
    assertEquals(64, after.session().idHash().length());
    assertFalse(after.session().idHash().contains(after.cookie()));
  }
}
