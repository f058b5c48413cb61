package dev.palisade.server.keys;

import dev.palisade.auth.Identity;
import dev.palisade.auth.OperatorId;

/** Who changes a key's lifecycle: an identity of an operator, or the node itself at start. */
public record Actor(String name, OperatorId operator) {
  public static Actor of(Identity identity) {
    return new Actor(identity.id().value(), identity.operator());
  }
}
