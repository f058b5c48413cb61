package dev.palisade.vault.keys;

import dev.palisade.crypto.SecretBytes;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.vault.kek.KekException;
import dev.palisade.vault.kek.KekProvider;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import dev.palisade.vault.store.SealedKeyStore;
import java.util.Optional;

/**
 * Moves an operator's keys to a new KEK by rewrapping each data key; key ciphertexts are never
 * touched, so no clear BLS key exists during a rotation. Each record is rewrapped in one
 * compare-and-set update and carries the id of the KEK that wraps it, so a rotation stopped at any
 * point leaves every record openable (with the old or the new KEK) and simply resumes when run
 * again. The operator's current KEK switches only once no record is left on an old one.
 */
public final class KekRotation {
  private final SealedKeyStore store;
  private final KekRing oldKeks;
  private final KekProvider target;

  /**
   * @param oldKeks the KEKs the records may currently be wrapped by
   * @param target the KEK to move to
   */
  public KekRotation(SealedKeyStore store, KekRing oldKeks, KekProvider target) {
    this.store = store;
    this.oldKeks = oldKeks;
    this.target = target;
  }

  /** How many records were rewrapped now, and how many were already on the target KEK. */
  public record Summary(int rewrapped, int alreadyCurrent) {}

  /**
   * Rewraps every record of {@code operator} not yet wrapped by the target.
   *
   * @throws SealedKeyException if a record's KEK is unavailable, its data key does not open, or
   *     the target KEK fails; the records done so far stay done, and a re-run continues
   */
  public Summary rotate(OperatorId operator) throws SealedKeyException {
    store.registerKek(target.id(), providerName(target.id()), target.toString());
    int rewrapped = 0;
    for (BlsPublicKey publicKey : store.publicKeysNotWrappedBy(operator, target.id())) {
      Optional<SealedKey> current = store.get(publicKey);
      if (current.isEmpty() || current.get().kekId().equals(target.id())) {
        continue; // deleted or rotated by someone else meanwhile
      }
      if (rewrapOne(current.get())) {
        rewrapped++;
      }
    }
    int total = (int) store.count(operator);
    if (store.publicKeysNotWrappedBy(operator, target.id()).isEmpty()) {
      store.setOperatorKek(operator, target.id());
    }
    return new Summary(rewrapped, total - rewrapped);
  }

  private boolean rewrapOne(SealedKey record) throws SealedKeyException {
    KekProvider old =
        oldKeks
            .find(record.kekId())
            .orElseThrow(
                () ->
                    new SealedKeyException(
                        SealedKeyException.Kind.UNKNOWN_KEK,
                        record.publicKey(),
                        "cannot rotate: KEK " + record.kekId() + " is not available"));
    byte[] newWrapped;
    try (SecretBytes dataKey = old.unwrap(record.wrappedDek(), record.binding())) {
      newWrapped = target.wrap(dataKey, record.binding());
    } catch (KekException e) {
      SealedKeyException.Kind kind =
          e.kind() == KekException.Kind.UNWRAP_FAILED
              ? SealedKeyException.Kind.BINDING_MISMATCH
              : SealedKeyException.Kind.KEK_FAILURE;
      throw new SealedKeyException(kind, record.publicKey(), "cannot rotate: " + e.getMessage(), e);
    }
    return store.rewrap(record.publicKey(), record.kekId(), target.id(), newWrapped);
  }

  private static String providerName(String kekId) {
    int colon = kekId.indexOf(':');
    return colon > 0 ? kekId.substring(0, colon) : kekId;
  }
}
