package dev.palisade.server.console;

import dev.palisade.auth.IdentityId;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Console sessions, in memory on this node: a random 256-bit id (the cookie) names an identity and
 * a CSRF token. A session ends at logout, after {@code idleTimeout} without a request, or when its
 * identity is revoked (checked on every request by {@link Console}). Ids are kept only as SHA-256
 * hashes, so a heap dump holds no usable cookie.
 */
final class ConsoleSessions {
  /** Bounds the memory an unauthenticated flood cannot reach but a login loop could. */
  static final int MAX_SESSIONS = 1024;

  record Session(String idHash, IdentityId identity, String csrf, Instant lastSeen) {
    @Override
    public String toString() {
      return "Session[" + identity + ", csrf redacted]";
    }
  }

  /** A new session: the cookie value, shown once, and the session it opens. */
  record Opened(String cookie, Session session) {
    @Override
    public String toString() {
      return "Opened[cookie redacted, " + session + "]";
    }
  }

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random;
  private final Clock clock;
  private final Duration idleTimeout;

  ConsoleSessions(SecureRandom random, Clock clock, Duration idleTimeout) {
    this.random = random;
    this.clock = clock;
    this.idleTimeout = idleTimeout;
  }

  Optional<Opened> open(IdentityId identity) {
    Instant now = clock.instant();
    sessions.values().removeIf(session -> expired(session, now));
    if (sessions.size() >= MAX_SESSIONS) {
      return Optional.empty();
    }
    String cookie = randomToken();
    Session session = new Session(hash(cookie), identity, randomToken(), now);
    sessions.put(session.idHash(), session);
    return Optional.of(new Opened(cookie, session));
  }

  /** The live session named by {@code cookie}, its idle clock restarted; an expired one is ended. */
  Optional<Session> touch(String cookie) {
    if (cookie == null || cookie.isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Session found = sessions.computeIfPresent(hash(cookie),
        (id, session) -> expired(session, now) ? null : new Session(id, session.identity(), session.csrf(), now));
    return Optional.ofNullable(found);
  }

  void close(Session session) {
    sessions.remove(session.idHash());
  }

  /** Constant time: a CSRF token is a secret compared against attacker input. */
  static boolean csrfMatches(Session session, String presented) {
    return presented != null && MessageDigest.isEqual(
        session.csrf().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        presented.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  String randomToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private boolean expired(Session session, Instant now) {
    return !session.lastSeen().plus(idleTimeout).isAfter(now);
  }

  private static String hash(String cookie) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(cookie.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }
}
