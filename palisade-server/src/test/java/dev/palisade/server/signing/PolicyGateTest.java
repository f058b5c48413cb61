package dev.palisade.server.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.IdentityId;
import dev.palisade.auth.OperatorId;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.evm.PersonalMessage;
import dev.palisade.policy.ApprovalStore;
import dev.palisade.policy.CounterStore;
import dev.palisade.policy.PolicyEngine;
import dev.palisade.policy.PolicyRequest;
import dev.palisade.policy.PolicyStore;
import dev.palisade.policy.PolicySubject;
import dev.palisade.policy.PolicyTarget;
import dev.palisade.policy.Rule;
import dev.palisade.policy.RuleRegistry;
import dev.palisade.policy.RuleType;
import dev.palisade.server.http.ApiException;
import dev.palisade.server.metrics.PalisadeMetrics;
import dev.palisade.store.Dialect;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** A rule that throws is a failure of ours: the gate refuses with 503, never a 500 and never an allow. */
class PolicyGateTest {
  @TempDir Path temp;

  @Test
  void aRuleThatThrowsFailsClosed() {
    SQLiteDataSource data = new SQLiteDataSource();
    data.setUrl("jdbc:sqlite:" + temp.resolve("palisade.db"));
    RuleType broken = new RuleType() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public List<Rule> parse(JsonNode section, String path) {
        return List.of(request -> {
          throw new IllegalStateException("a bug in a rule");
        });
      }
    };
    Clock clock = Clock.systemUTC();
    PolicyStore store = PolicyStore.open(data, Dialect.SQLITE, RuleRegistry.builtIn().with(broken),
        Duration.ZERO, Duration.ZERO, clock);
    PolicyGate gate = new PolicyGate(new PolicyEngine(store, new CounterStore(data, clock),
        new ApprovalStore(data, clock, e -> {})), new PalisadeMetrics(), clock);
    Address account = Address.parse("0x" + "11".repeat(20));
    PolicyRequest request = new PolicyRequest(
        new PolicySubject.Evm(new EvmSigningRequest.PersonalSign(PersonalMessage.ofText("hi")), account),
        IdentityId.of("wallet"), OperatorId.of("default"), Optional.empty(), clock.instant());

    PolicyDecision byDefault = gate.evaluate(request);
    assertTrue(byDefault instanceof PolicyDecision.Deny deny && deny.rule().equals("evm_eip191_disabled"),
        "no document: EIP-191 is off, refused by its rule: " + byDefault);
    store.set(PolicyTarget.of("operator", "default"), "rules: {broken: {}}", "test");
    ApiException.Unavailable refused = assertThrows(ApiException.Unavailable.class, () -> gate.evaluate(request));
    assertEquals("policy evaluation failed; refusing to sign", refused.getMessage());
  }
}
