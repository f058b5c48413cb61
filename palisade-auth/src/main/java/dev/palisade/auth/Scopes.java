package dev.palisade.auth;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** The scopes held by an identity, as granted (bundles kept as bundles, expanded on check). */
public final class Scopes {
  private final Set<Scope> held;
  private final Set<Scope> effective;

  private Scopes(Set<Scope> held) {
    this.held = Collections.unmodifiableSet(EnumSet.copyOf(held));
    EnumSet<Scope> expanded = EnumSet.noneOf(Scope.class);
    held.forEach(s -> expanded.addAll(s.grants()));
    this.effective = Collections.unmodifiableSet(expanded);
  }

  public static Scopes of(Scope first, Scope... rest) {
    return new Scopes(EnumSet.of(first, rest));
  }

  public static Scopes of(Collection<Scope> scopes) {
    if (scopes.isEmpty()) {
      throw new InvalidScopeException("an identity needs at least one scope");
    }
    return new Scopes(EnumSet.copyOf(scopes));
  }

  /**
   * Parses a list such as {@code "validate, keys:read"} or {@code "sign:block sign:attestation"}:
   * entries separated by commas and/or white space. Empty lists and unknown names are errors.
   */
  public static Scopes parse(String list) {
    if (list == null || list.isBlank()) {
      throw new InvalidScopeException(
          "the scope list is empty; valid scopes are: " + Scope.allWireNames());
    }
    EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String entry : list.trim().split("[,\\s]+")) {
      if (!entry.isEmpty()) {
        scopes.add(Scope.parse(entry));
      }
    }
    return of(scopes);
  }

  /** True when one of the held scopes grants {@code required}. */
  public boolean grants(Scope required) {
    return effective.contains(required);
  }

  /** The scopes as granted, e.g. {@code [validate, keys:read]}. */
  public Set<Scope> held() {
    return held;
  }

  /** The canonical text form, the inverse of {@link #parse}: wire names, comma separated, enum order. */
  public String toWire() {
    return held.stream().map(Scope::wireName).collect(Collectors.joining(","));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Scopes other && held.equals(other.held);
  }

  @Override
  public int hashCode() {
    return held.hashCode();
  }

  @Override
  public String toString() {
    return toWire();
  }
}
