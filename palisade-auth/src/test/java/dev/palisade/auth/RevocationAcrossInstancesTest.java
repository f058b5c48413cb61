package dev.palisade.auth;

import dev.palisade.store.Dialect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.palisade.eth2.BlsPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Two Palisade instances, each with its own connection pool, sharing one real PostgreSQL database:
 * what one changes, the other applies within a second.
 */
class RevocationAcrossInstancesTest {
  private static final Duration PROMISE = Duration.ofSeconds(1);

  @Test
  void revocationOnOneInstanceIsRefusedByTheOtherWithinASecond() throws Exception {
    String db = TestDatabases.newPostgresDatabase();
    try (HikariDataSource poolA = TestDatabases.postgresPool(db);
        HikariDataSource poolB = TestDatabases.postgresPool(db);
        IdentityStore a = IdentityStore.open(poolA, Dialect.POSTGRESQL);
        IdentityStore b = IdentityStore.open(poolB, Dialect.POSTGRESQL)) {
      a.createOperator(OperatorId.of("op-a"));
      String token = a.createIdentity(NewIdentity.of("lh", "op-a", new Credential.BasicSecret(),
          "validate")).secret().orElseThrow().reveal();
      PresentedCredentials request = PresentedCredentials.of(null,
          "Basic " + java.util.Base64.getEncoder().encodeToString(("lh:" + token).getBytes()),
          "192.0.2.10");
      Authenticator onB = new Authenticator(b);

      // creation propagates too (b was opened before the identity existed)
      long createdVisibleAfter = waitUntil(
          () -> onB.authenticate(request) instanceof AuthResult.Authenticated);
      assertTrue(createdVisibleAfter < PROMISE.toMillis(), createdVisibleAfter + " ms");

      long revokedAt = System.nanoTime();
      assertTrue(a.revokeIdentity(IdentityId.of("lh")));
      long refusedAfter = waitUntil(
          () -> onB.authenticate(request) instanceof AuthResult.Unauthenticated);
      long sinceRevoke = Duration.ofNanos(System.nanoTime() - revokedAt).toMillis();
      assertTrue(sinceRevoke < PROMISE.toMillis(),
          "instance B still accepted a revoked identity after " + sinceRevoke + " ms");
      assertTrue(refusedAfter <= sinceRevoke);
      // and it stays refused
      Thread.sleep(300);
      assertInstanceOf(AuthResult.Unauthenticated.class, onB.authenticate(request));
    }
  }

  @Test
  void keyReassignmentPropagatesToo() throws Exception {
    String db = TestDatabases.newPostgresDatabase();
    try (HikariDataSource poolA = TestDatabases.postgresPool(db);
        HikariDataSource poolB = TestDatabases.postgresPool(db);
        IdentityStore a = IdentityStore.open(poolA, Dialect.POSTGRESQL);
        IdentityStore b = IdentityStore.open(poolB, Dialect.POSTGRESQL)) {
      a.createOperator(OperatorId.of("op-a"));
      Identity vc = a.createIdentity(NewIdentity.of("vc", "op-a", new Credential.BearerToken(),
          "validate")).identity();
      BlsPublicKey key = AuthorizerTest.randomKey();
      a.assignKey(key, OperatorId.of("op-a"));
      Authorizer onB = new Authorizer(b);
      long visible = waitUntil(() -> onB.authorizeSigning(vc, "ATTESTATION", key).isAllowed());
      assertTrue(visible < PROMISE.toMillis());
      a.unassignKey(key);
      long hidden = waitUntil(
          () -> onB.authorizeSigning(vc, "ATTESTATION", key) instanceof AccessDecision.NotVisible);
      assertTrue(hidden < PROMISE.toMillis());
    }
  }

  @Test
  void anInstanceThatLosesItsDatabaseFailsClosed() throws Exception {
    String db = TestDatabases.newPostgresDatabase();
    HikariDataSource pool = TestDatabases.postgresPool(db);
    AuthStoreOptions options =
        new AuthStoreOptions(Duration.ofMillis(100), Duration.ofMillis(400), Clock.systemUTC());
    try (IdentityStore store = IdentityStore.open(pool, Dialect.POSTGRESQL, options)) {
      store.createOperator(OperatorId.of("op-a"));
      store.createIdentity(NewIdentity.of("net", "op-a",
          new Credential.NetworkAddress(List.of(Cidr.parse("10.0.0.0/8"))), "validate"));
      Authenticator authenticator = new Authenticator(store);
      PresentedCredentials request = PresentedCredentials.of(null, null, "10.0.0.1");
      assertInstanceOf(AuthResult.Authenticated.class, authenticator.authenticate(request));
      pool.close(); // the database is gone for this instance
      long after = waitUntil(() -> authenticator.authenticate(request) instanceof AuthResult.Unavailable);
      assertTrue(after < 2000, after + " ms");
      assertEquals(new AuthResult.Unavailable("identity store unavailable"),
          authenticator.authenticate(request));
    }
  }

  /** Polls every 10 ms for up to 5 s; returns the milliseconds it took. */
  private static long waitUntil(Supplier<Boolean> condition) throws InterruptedException {
    long start = System.nanoTime();
    while (!condition.get()) {
      if (System.nanoTime() - start > Duration.ofSeconds(5).toNanos()) {
        throw new AssertionError("condition not met within 5 s");
      }
      Thread.sleep(10);
    }
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }
}
