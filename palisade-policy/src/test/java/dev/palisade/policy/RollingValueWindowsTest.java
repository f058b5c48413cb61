package dev.palisade.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.store.Dialect;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** EVM value limits over rolling windows, on SQLite and PostgreSQL: exact at the edge, all-or-nothing, concurrent, pruned. */
class RollingValueWindowsTest {
  private static final Duration HOUR = Duration.ofHours(1);
  /** A fixed-window boundary: a multiple of an hour since 1970. */
  private static final Instant BOUNDARY = Instant.parse("2026-12-04T13:00:00Z");

  /** The time the engine and the stores see; tests move it. */
  private static final class MovableClock extends Clock {
    Instant now = BOUNDARY.minus(Duration.ofMinutes(20));

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final MovableClock clock = new MovableClock();
  private PolicyEngine engine;
  private CounterStore counters;

  private void open(Dialect dialect, String rules) {
    DataSource dataSource = TestDatabases.fresh(dialect);
    PolicyStore store = PolicyStore.open(dataSource, dialect, RuleRegistry.builtIn());
    counters = new CounterStore(dataSource, clock);
    engine = new PolicyEngine(store, counters, new ApprovalStore(dataSource, clock, e -> {}));
    store.set(PolicyTarget.of("key", EvmRequests.ACCOUNT.lowerHex()), "rules: " + rules, "t");
  }

  /** Signs (records) a transfer of {@code wei} at the clock's time; the rule that refused it, or "allow". */
  private String spend(long wei) {
    Decision decision = engine.evaluate(EvmRequests.of(EvmRequests.transaction(EvmRequests.tx(Long.toString(wei))),
        "wallet", clock.now));
    return decision instanceof Decision.Allow ? "allow" : decision.rule();
  }

  private long spent(String counter, Duration window) {
    return counters.total(EvmRequests.ACCOUNT.lowerHex(), counter, new RuleOutcome.Window.Rolling(clock.now, window));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void theFirstSpendCountsUntilExactlyOneWindowHasPassed(Dialect dialect) {
    open(dialect, "{evm_value_windows: [{max: 1000, window: PT1H}]}");
    Instant t = clock.now;
    assertEquals("allow", spend(1000));
    clock.now = t.plus(HOUR).minusMillis(1);
    Decision.Deny over = assertInstanceOf(Decision.Deny.class,
        engine.evaluate(EvmRequests.of(EvmRequests.transaction(EvmRequests.tx("1")), "wallet", clock.now)));
    assertEquals("evm_value_window", over.rule());
    assertTrue(over.message().contains("at most 1000 ether value per key in the last PT1H: limit reached"), over.message());
    assertInstanceOf(Decision.Deny.class, engine.dryRun(EvmRequests.of(EvmRequests.transaction(EvmRequests.tx("1")),
        "wallet", clock.now)), "the dry run reads the same sum");
    clock.now = t.plus(HOUR);
    assertInstanceOf(Decision.Allow.class, engine.dryRun(EvmRequests.of(EvmRequests.transaction(EvmRequests.tx("1000")),
        "wallet", clock.now)));
    assertEquals(0, spent("evm_value:PT1H:e0", HOUR), "the first spend has left the window; the dry run recorded nothing");
    assertEquals("allow", spend(1000));
    assertEquals("evm_value_window", spend(1));
  }

  /** Fixed windows let max through just before a boundary and max again just after it: 2× in 2 ms. */
  @ParameterizedTest
  @EnumSource(Dialect.class)
  void maxBeforeAFixedWindowBoundaryAndMaxAfterItIsRefused(Dialect dialect) {
    open(dialect, "{evm_value_windows: [{max: '1 ether', window: PT1H}]}");
    clock.now = BOUNDARY.minusMillis(1);
    assertEquals("allow", spend(1_000_000_000_000_000_000L));
    clock.now = BOUNDARY.plusMillis(1);
    assertEquals("evm_value_window", spend(1_000_000_000_000_000_000L));
    assertEquals("evm_value_window", spend(1));
    clock.now = BOUNDARY.minusMillis(1).plus(HOUR);
    assertEquals("allow", spend(1_000_000_000_000_000_000L));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aRequestRefusedByOneLimitRecordsNothingInAnother(Dialect dialect) {
    // counters are taken in name order: evm_value:PT10H… (passes, written) before evm_value:PT1H… (refuses)
    open(dialect, "{evm_value_windows: [{max: 5000, window: PT10H}, {max: 1000, window: PT1H}]}");
    assertEquals("allow", spend(1000));
    clock.now = clock.now.plus(Duration.ofMinutes(30));
    assertEquals("evm_value_window", spend(1));
    assertEquals(1000, spent("evm_value:PT10H:e0", Duration.ofHours(10)), "the refused spend was rolled back in PT10H");
    assertEquals(1000, spent("evm_value:PT1H:e0", HOUR));
    clock.now = clock.now.plus(HOUR);
    assertEquals("allow", spend(1000));
    assertEquals(2000, spent("evm_value:PT10H:e0", Duration.ofHours(10)));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void tokenWindowsRollToo(Dialect dialect) {
    open(dialect, "{evm_erc20: [{token: '" + EvmRequests.TOKEN + "', window_max: 100, window: PT1H}]}");
    clock.now = BOUNDARY.minusSeconds(1);
    assertEquals("allow", erc20(100));
    clock.now = BOUNDARY.plusSeconds(1);
    assertEquals("erc20_window", erc20(1));
  }

  private String erc20(long amount) {
    Decision decision = engine.evaluate(EvmRequests.of(EvmRequests.transaction(EvmRequests.erc20("a9059cbb",
        EvmRequests.RECEIVER, null, BigInteger.valueOf(amount))), "wallet", clock.now));
    return decision instanceof Decision.Allow ? "allow" : decision.rule();
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void twoInstancesTogetherSpendExactlyTheLimit(Dialect dialect) throws Exception {
    DataSource dataSource = TestDatabases.fresh(dialect);
    PolicyMigrations.migrate(dataSource, dialect);
    List<CounterStore> instances = List.of(new CounterStore(dataSource, clock), new CounterStore(dataSource, clock));
    RuleOutcome.Window window = new RuleOutcome.Window.Rolling(clock.now, HOUR);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> added = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      CounterStore store = instances.get(i % 2);
      added.add(pool.submit(() -> {
        start.await();
        return store.tryAdd("key", "evm_value:PT1H:e0", window, 3, 20);
      }));
    }
    start.countDown();
    int accepted = 0;
    for (Future<Boolean> future : added) {
      accepted += future.get() ? 1 : 0;
    }
    pool.shutdown();
    assertEquals(6, accepted, "6 × 3 fit in 20, a seventh does not");
    assertEquals(18, instances.get(1).total("key", "evm_value:PT1H:e0", window));
    assertTrue(instances.get(0).tryAdd("key", "evm_value:PT1H:e0", new RuleOutcome.Window.Rolling(clock.now.plus(HOUR),
        HOUR), 20, 20), "a window later the whole limit is free again");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void spendsOlderThanTheLongestWindowArePruned(Dialect dialect) {
    DataSource dataSource = TestDatabases.fresh(dialect);
    PolicyMigrations.migrate(dataSource, dialect);
    RuleOutcome.Window.Rolling longest = new RuleOutcome.Window.Rolling(clock.now, Fields.MAX_WINDOW);
    assertTrue(new CounterStore(dataSource, clock).tryAdd("key", "evm_value:P31D:e0", longest, 5, 5));
    Clock justInside = Clock.offset(clock, CounterStore.RETENTION.minusSeconds(1));
    assertEquals(0, new CounterStore(dataSource, justInside).prune());
    CounterStore later = new CounterStore(dataSource, Clock.offset(clock, CounterStore.RETENTION.plusSeconds(1)));
    assertEquals(2, later.prune(), "the spend and its counter's lock row");
    assertEquals(0, later.total("key", "evm_value:P31D:e0", longest));
  }
}
