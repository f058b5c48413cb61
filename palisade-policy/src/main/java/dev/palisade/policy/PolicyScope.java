package dev.palisade.policy;

import dev.palisade.auth.IdentityId;
import dev.palisade.auth.OperatorId;
import dev.palisade.eth2.BlsPublicKey;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a policy document is attached to. The wire name is the path segment of the admin API and the CLI. */
public enum PolicyScope {
  OPERATOR,
  KEY,
  IDENTITY;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PolicyScope parse(String text) {
    return Arrays.stream(values())
        .filter(scope -> scope.wireName().equals(text))
        .findFirst()
        .orElseThrow(() -> new InvalidPolicyException("scope", "unknown policy scope '" + Names.printable(text)
            + "'; valid scopes are: " + Arrays.stream(values()).map(PolicyScope::wireName).collect(Collectors.joining(", "))));
  }

  /** The canonical target id (a BLS key or an EVM address in lower-case 0x hex), so one target has one history. */
  public String normalize(String id) {
    try {
      return switch (this) {
        case OPERATOR -> OperatorId.of(id).value();
        case IDENTITY -> IdentityId.of(id).value();
        case KEY -> id.length() == 42 ? dev.palisade.evm.Address.parse(id).lowerHex() : BlsPublicKey.fromHex(id).toHex();
      };
    } catch (IllegalArgumentException e) {
      throw new InvalidPolicyException("id", "not a valid " + wireName() + " id: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return wireName();
  }
}
