package dev.palisade.policy;

import dev.palisade.auth.IdentityId;
import dev.palisade.auth.OperatorId;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.signing.SigningRequest;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a policy sees: the typed message and its recomputed signing root, the key, who asks (identity
 * and its operator), from where, and when.
 */
public record PolicyRequest(
    SigningRequest message,
    Bytes32 signingRoot,
    BlsPublicKey key,
    IdentityId identity,
    OperatorId operator,
    Optional<InetAddress> source,
    Instant time) {
  public PolicyRequest {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(signingRoot, "signingRoot");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(time, "time");
  }

  public String typeName() {
    return message.type().name();
  }
}
