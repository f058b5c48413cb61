package dev.palisade.server.keys;

import dev.palisade.auth.OperatorId;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.store.Database;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The key-wrapping keys this node holds, one per operator: each operator's keys are sealed under
 * its own KEK and no other. A node started without any sealed-key configuration (an embedded test
 * node) is {@linkplain #ephemeral() ephemeral}: imports live in memory only. A durable node refuses
 * an import for an operator whose KEK it does not hold instead of falling back to another one.
 */
public final class OperatorKeks implements AutoCloseable {
  private final Map<OperatorId, SealedKeys> byOperator;
  private final boolean durable;

  private OperatorKeks(Map<OperatorId, SealedKeys> byOperator, boolean durable) {
    this.byOperator = byOperator;
    this.durable = durable;
  }

  public static OperatorKeks ephemeral() {
    return new OperatorKeks(Map.of(), false);
  }

  /**
   * Opens every configured operator's KEK (operator name → configuration). On a failure the ones
   * already open are closed and the error (an operator-readable {@link IllegalStateException})
   * propagates.
   */
  public static OperatorKeks open(Map<String, SealedKeysConfig> configs, Database database) {
    Map<OperatorId, SealedKeys> opened = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, SealedKeysConfig> entry : configs.entrySet()) {
        if (OperatorId.ROOT.value().equals(entry.getKey())) {
          throw new IllegalArgumentException("the root operator holds no keys, so it has no KEK");
        }
        opened.put(
            OperatorId.of(entry.getKey()),
            SealedKeys.open(entry.getValue(), database, new dev.palisade.vault.seal.OperatorId(entry.getKey())));
      }
    } catch (RuntimeException e) {
      opened.values().forEach(SealedKeys::close);
      throw e;
    }
    return new OperatorKeks(opened, !configs.isEmpty());
  }

  /** Whether imports must be sealed (false only on an ephemeral node). */
  public boolean durable() {
    return durable;
  }

  /** The operator's sealed keys, when this node holds its KEK. */
  public Optional<SealedKeys> of(OperatorId operator) {
    return Optional.ofNullable(byOperator.get(operator)).filter(sealed -> sealed.kek().isPresent());
  }

  /** Every operator whose KEK is open. */
  public Collection<SealedKeys> all() {
    Collection<SealedKeys> open = new ArrayList<>();
    byOperator.values().stream().filter(sealed -> sealed.kek().isPresent()).forEach(open::add);
    return open;
  }

  /** Deletes the sealed record of {@code key}, whichever operator sealed it; false if none. */
  public boolean deleteSealed(BlsPublicKey key) {
    return byOperator.values().stream().findFirst().map(sealed -> sealed.store().delete(key)).orElse(false);
  }

  @Override
  public void close() {
    byOperator.values().forEach(SealedKeys::close);
  }
}
