package dev.palisade.policy;

import dev.palisade.auth.IdentityId;
import dev.palisade.auth.OperatorId;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.evm.EvmSigningRequest;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a policy sees: the subject (a validator message and its recomputed signing root with the BLS
 * key, or an EVM request with its address), who asks (identity and its operator), from where, and when.
 */
public record PolicyRequest(
    PolicySubject subject,
    IdentityId identity,
    OperatorId operator,
    Optional<InetAddress> source,
    Instant time) {
  public PolicyRequest {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(time, "time");
  }

  /** A validator request. */
  public PolicyRequest(SigningRequest message, Bytes32 signingRoot, BlsPublicKey key, IdentityId identity,
      OperatorId operator, Optional<InetAddress> source, Instant time) {
    this(new PolicySubject.Validator(message, signingRoot, key), identity, operator, source, time);
  }

  /** The validator message; null for an EVM request (so {@code instanceof} tests on it are simply false). */
  public SigningRequest message() {
    return subject instanceof PolicySubject.Validator validator ? validator.message() : null;
  }

  /** The EVM request; null for a validator message. */
  public EvmSigningRequest evm() {
    return subject instanceof PolicySubject.Evm evm ? evm.request() : null;
  }

  public String keyId() {
    return subject.keyId();
  }

  public String typeName() {
    return subject.typeName();
  }
}
