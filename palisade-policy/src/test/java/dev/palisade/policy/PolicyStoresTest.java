package dev.palisade.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.Credential;
import dev.palisade.store.Dialect;
import dev.palisade.auth.Identity;
import dev.palisade.auth.IdentityId;
import dev.palisade.auth.OperatorId;
import dev.palisade.auth.Scopes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The stores on SQLite and PostgreSQL: versions seen by a second instance, counters under concurrency, approvals. */
class PolicyStoresTest {
  private static final Clock CLOCK = Clock.fixed(Requests.NOW, ZoneOffset.UTC);

  private static DataSource database(Dialect dialect) {
    DataSource dataSource = TestDatabases.fresh(dialect);
    PolicyMigrations.migrate(dataSource, dialect);
    return dataSource;
  }

  private static RuleOutcome.Window fixed(String id) {
    return new RuleOutcome.Window.Fixed(id);
  }

  private static Identity identity(String name, String operator, String scopes) {
    return new Identity(IdentityId.of(name), OperatorId.of(operator), new Credential.BearerToken(), Scopes.parse(scopes),
        Optional.empty(), Instant.EPOCH, Optional.empty());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aSecondInstanceEnforcesTheNewVersionAndHistoryKeepsEveryVersion(Dialect dialect) throws Exception {
    DataSource dataSource = database(dialect);
    PolicyStore first = PolicyStore.open(dataSource, dialect, RuleRegistry.builtIn());
    PolicyStore second = PolicyStore.open(dataSource, dialect, RuleRegistry.builtIn(), Duration.ZERO,
        Duration.ofSeconds(5), Clock.systemUTC());
    PolicyTarget target = PolicyTarget.of("operator", "default");
    assertEquals(0, second.current().version());
    first.set(target, "rules: {voluntary_exit: {action: deny}}", "alice");
    PolicyVersion v2 = first.set(target, "rules: {voluntary_exit: {action: allow}}", "bob");
    assertEquals(2, v2.version());
    assertEquals(2, second.current().version(), "the other instance reads the new revision");
    List<PolicyVersion> history = second.history(target);
    assertEquals(List.of(2L, 1L), history.stream().map(PolicyVersion::version).toList());
    assertEquals(List.of("bob", "alice"), history.stream().map(PolicyVersion::createdBy).toList());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void concurrentCountersNeverPassTheLimit(Dialect dialect) throws Exception {
    DataSource dataSource = database(dialect);
    List<CounterStore> instances = List.of(new CounterStore(dataSource, CLOCK), new CounterStore(dataSource, CLOCK));
    int limit = 7;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> added = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      CounterStore counters = instances.get(i % 2);
      Callable<Boolean> add = () -> {
        start.await();
        return counters.tryAdd("key", "rate:RANDAO_REVEAL:PT1H", fixed("42"), 1, limit);
      };
      added.add(pool.submit(add));
    }
    start.countDown();
    int accepted = 0;
    for (Future<Boolean> future : added) {
      accepted += future.get() ? 1 : 0;
    }
    pool.shutdown();
    assertEquals(limit, accepted, "exactly the limit is accepted");
    assertEquals(limit, instances.get(0).total("key", "rate:RANDAO_REVEAL:PT1H", fixed("42")));
    assertTrue(instances.get(1).tryAdd("key", "rate:RANDAO_REVEAL:PT1H", fixed("43"), 1, limit), "the next window starts at 0");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void approvalsFollowTheTwoPersonRule(Dialect dialect) {
    DataSource dataSource = database(dialect);
    List<AuditEntry> audit = new CopyOnWriteArrayList<>();
    ApprovalStore approvals = new ApprovalStore(dataSource, CLOCK, audit::add);
    PolicyStore store = PolicyStore.open(dataSource, dialect, RuleRegistry.builtIn());
    PolicyEngine engine = new PolicyEngine(store, new CounterStore(dataSource, CLOCK), approvals);
    store.set(PolicyTarget.of("operator", "default"), "rules: {voluntary_exit: {action: approval, approvals: 2}}", "t");
    PolicyRequest exit = Requests.of(Requests.exit(5), "requester", "default", null, Requests.NOW);

    Decision.NeedsApproval pending = assertInstanceOf(Decision.NeedsApproval.class, engine.evaluate(exit));
    assertEquals(pending.approvalId(), ((Decision.NeedsApproval) engine.evaluate(exit)).approvalId(), "one approval per request");
    String id = pending.approvalId();

    assertEquals(ApprovalException.Kind.FORBIDDEN, assertThrows(ApprovalException.class,
        () -> approvals.vote(identity("requester", "default", "sign:exit,approve"), id, true)).kind());
    assertEquals(ApprovalException.Kind.NOT_FOUND, assertThrows(ApprovalException.class,
        () -> approvals.vote(identity("other-op", "opb", "approve"), id, true)).kind());
    assertEquals(ApprovalException.Kind.FORBIDDEN, assertThrows(ApprovalException.class,
        () -> approvals.vote(identity("no-scope", "default", "admin"), id, true)).kind());
    approvals.vote(identity("a1", "default", "approve"), id, true);
    assertEquals(ApprovalException.Kind.CONFLICT, assertThrows(ApprovalException.class,
        () -> approvals.vote(identity("a1", "default", "approve"), id, true)).kind(), "one vote each");
    assertInstanceOf(Decision.NeedsApproval.class, engine.evaluate(exit), "one approval of two is not enough");
    assertEquals(Approval.Status.APPROVED, approvals.vote(identity("a2", "default", "approve"), id, true).status());

    PolicyRequest byAnother = Requests.of(Requests.exit(5), "someone-else", "default", null, Requests.NOW);
    assertInstanceOf(Decision.NeedsApproval.class, engine.evaluate(byAnother), "granted to the requester only");
    assertInstanceOf(Decision.NeedsApproval.class, engine.evaluate(Requests.of(Requests.exit(6), "requester", "default",
        null, Requests.NOW)), "granted for this signing root only");
    assertInstanceOf(Decision.Allow.class, engine.evaluate(exit));
    Decision.NeedsApproval again = assertInstanceOf(Decision.NeedsApproval.class, engine.evaluate(exit), "consumed");
    assertTrue(!again.approvalId().equals(id));

    approvals.vote(identity("a1", "default", "approve"), again.approvalId(), false);
    assertEquals(Approval.Status.DENIED, approvals.find(again.approvalId()).orElseThrow().status(), "one deny closes it");
    // a repeated request reuses its approval (no row); another requester's or root's request is a new one
    assertEquals(List.of("APPROVAL_REQUEST", "APPROVAL_APPROVE", "APPROVAL_APPROVE", "APPROVAL_APPROVED",
        "APPROVAL_REQUEST", "APPROVAL_REQUEST", "APPROVAL_CONSUMED", "APPROVAL_REQUEST", "APPROVAL_DENY", "APPROVAL_DENIED"),
        audit.stream().map(AuditEntry::signingType).toList());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void anExpiredApprovalGrantsNothing(Dialect dialect) {
    DataSource dataSource = database(dialect);
    PolicyStore store = PolicyStore.open(dataSource, dialect, RuleRegistry.builtIn());
    Instant later = Requests.NOW.plus(Duration.ofMinutes(11));
    ApprovalStore approvals = new ApprovalStore(dataSource, CLOCK, entry -> {});
    PolicyEngine engine = new PolicyEngine(store, new CounterStore(dataSource, CLOCK), approvals);
    store.set(PolicyTarget.of("operator", "default"),
        "rules: {voluntary_exit: {action: approval, approvals: 1, approval_lifetime: PT10M}}", "t");
    String id = ((Decision.NeedsApproval) engine.evaluate(Requests.of(Requests.exit(5), "requester", "default", null,
        Requests.NOW))).approvalId();
    approvals.vote(identity("a1", "default", "approve"), id, true);
    Decision decision = engine.evaluate(Requests.of(Requests.exit(5), "requester", "default", null, later));
    assertTrue(decision instanceof Decision.NeedsApproval pending && !pending.approvalId().equals(id), decision.toString());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aPreApprovalGrantsOneExitOfTheKeyToAnIdentityThatDidNotApproveIt(Dialect dialect) {
    DataSource dataSource = database(dialect);
    PolicyStore store = PolicyStore.open(dataSource, dialect, RuleRegistry.builtIn());
    ApprovalStore approvals = new ApprovalStore(dataSource, CLOCK, entry -> {});
    PolicyEngine engine = new PolicyEngine(store, new CounterStore(dataSource, CLOCK), approvals);
    store.set(PolicyTarget.of("key", Requests.PUBKEY), "rules: {voluntary_exit: {action: approval, approvals: 2}}", "t");
    var key = dev.palisade.eth2.BlsPublicKey.fromHex(Requests.PUBKEY);
    Instant until = Requests.NOW.plus(Duration.ofHours(1));

    Approval ahead = approvals.grantAhead(identity("a1", "default", "approve"), key, "VOLUNTARY_EXIT", 2, until);
    assertEquals(Approval.Status.PENDING, ahead.status(), "one of two approvals");
    assertInstanceOf(Decision.NeedsApproval.class, engine.evaluate(Requests.of(Requests.exit(5), "exits", "default", null,
        Requests.NOW)), "not granted before the second approval");
    assertEquals(Approval.Status.APPROVED, approvals.vote(identity("a2", "default", "approve"), ahead.id(), true).status());

    assertInstanceOf(Decision.NeedsApproval.class, engine.evaluate(Requests.of(Requests.exit(7), "a1", "default", null,
        Requests.NOW)), "an approver cannot use its own pre-approval");
    assertInstanceOf(Decision.NeedsApproval.class, engine.evaluate(Requests.of(Requests.exit(7), "exits-b", "opb", null,
        Requests.NOW)), "another operator's request");
    assertInstanceOf(Decision.NeedsApproval.class, engine.evaluate(Requests.of(Requests.exit(7), "exits", "default", null,
        until)), "expired");
    assertInstanceOf(Decision.Allow.class, engine.evaluate(Requests.of(Requests.exit(7), "exits", "default", null,
        Requests.NOW)), "any exit of the key, by another identity, once");
    assertInstanceOf(Decision.NeedsApproval.class, engine.evaluate(Requests.of(Requests.exit(8), "exits", "default", null,
        Requests.NOW)), "consumed");
    assertEquals(ApprovalException.Kind.CONFLICT, assertThrows(ApprovalException.class, () -> approvals.grantAhead(
        identity("a1", "default", "approve"), key, "VOLUNTARY_EXIT", 2, Requests.NOW.minusSeconds(1))).kind());
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void countersOfWindowsNobodyCountedInForLongerThanAnyWindowArePruned(Dialect dialect) {
    DataSource dataSource = database(dialect);
    new CounterStore(dataSource, CLOCK).tryAdd("key", "rate:DEPOSIT:P31D", fixed("1"), 1, 1);
    Clock justInside = Clock.offset(CLOCK, CounterStore.RETENTION.minusSeconds(1));
    assertEquals(0, new CounterStore(dataSource, justInside).prune());
    assertEquals(1, new CounterStore(dataSource, justInside).total("key", "rate:DEPOSIT:P31D", fixed("1")));
    CounterStore later = new CounterStore(dataSource, Clock.offset(CLOCK, CounterStore.RETENTION.plusSeconds(1)));
    assertEquals(1, later.prune());
    assertEquals(0, later.total("key", "rate:DEPOSIT:P31D", fixed("1")));
  }
}
