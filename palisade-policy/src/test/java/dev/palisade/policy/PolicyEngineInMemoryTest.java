package dev.palisade.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.palisade.store.Dialect;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What an event loop may ask the engine: a decision from the cached policy set when no counter or approval is
 * involved, otherwise nothing (and nothing recorded), so the caller asks {@link PolicyEngine#evaluate} off the loop.
 */
class PolicyEngineInMemoryTest {
  @Test
  void decidesInMemoryOnlyWhatNeedsNoDatabase() {
    DataSource data = TestDatabases.fresh(Dialect.SQLITE);
    Clock clock = Clock.systemUTC();
    PolicyStore store = PolicyStore.open(data, Dialect.SQLITE, RuleRegistry.builtIn(), Duration.ofMinutes(1),
        Duration.ofSeconds(5), clock);
    PolicyEngine engine = new PolicyEngine(store, new CounterStore(data, clock), new ApprovalStore(data, clock, e -> {}));
    PolicyRequest randao = Requests.of(Requests.randao(7));

    assertEquals(Optional.empty(), engine.evaluateInMemory(randao), "no policy set cached yet: only the database knows");
    store.current();
    Decision byDefault = engine.evaluateInMemory(randao).orElseThrow();
    assertInstanceOf(Decision.Allow.class, byDefault);
    assertEquals("none", byDefault.rule());

    store.set(PolicyTarget.of("operator", "default"),
        "rules: {voluntary_exit: {action: deny}, rate_limits: [{type: RANDAO_REVEAL, max: 1, per: epoch}]}", "alice");
    assertEquals(Optional.empty(), engine.evaluateInMemory(randao), "the change is not cached yet");
    store.current();
    assertEquals(Optional.empty(), engine.evaluateInMemory(randao), "a counter applies: not in memory");
    assertInstanceOf(Decision.Deny.class, engine.evaluateInMemory(Requests.of(Requests.exit(5))).orElseThrow(),
        "a stateless deny is decided in memory");

    // the in-memory calls counted nothing: the one RANDAO_REVEAL of the epoch is still allowed, once
    assertInstanceOf(Decision.Allow.class, engine.evaluate(randao));
    assertInstanceOf(Decision.Deny.class, engine.evaluate(randao));
  }
}
