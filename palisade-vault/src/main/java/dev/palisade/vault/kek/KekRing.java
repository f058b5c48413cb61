package dev.palisade.vault.kek;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The KEKs a process can use, by id. A record names the KEK that wrapped it, so during a rotation
 * both the old and the new KEK are on the ring and every record opens. Does not own the providers.
 */
public final class KekRing {
  private final Map<String, KekProvider> byId;

  private KekRing(Map<String, KekProvider> byId) {
    this.byId = byId;
  }

  public static KekRing of(KekProvider... providers) {
    return of(List.of(providers));
  }

  public static KekRing of(Collection<KekProvider> providers) {
    Map<String, KekProvider> byId = new LinkedHashMap<>();
    for (KekProvider provider : providers) {
      if (byId.putIfAbsent(provider.id(), provider) != null) {
        throw new IllegalArgumentException("two KEK providers share the id " + provider.id());
      }
    }
    return new KekRing(Map.copyOf(byId));
  }

  public Optional<KekProvider> find(String kekId) {
    return Optional.ofNullable(byId.get(kekId));
  }

  public Collection<String> ids() {
    return byId.keySet();
  }
}
