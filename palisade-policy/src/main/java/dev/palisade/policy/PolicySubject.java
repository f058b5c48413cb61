package dev.palisade.policy;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmSigningRequest;
import java.util.Objects;

/**
 * What is to be signed, with which key: a validator message (BLS) or an EVM request (secp256k1). The
 * key id is the policy target of the KEY scope; the digest is what an approval is bound to.
 */
public sealed interface PolicySubject {
  /** The KEY target id: the BLS public key or the lower-case address, 0x hex. */
  String keyId();

  /** 0x hex of the 32 bytes signed: the signing root, or the EVM digest. */
  String digestHex();

  /** The type name rules and approvals match on: a Web3Signer type, or EVM_TX, EVM_EIP191, EVM_EIP712, EVM_RAW. */
  String typeName();

  /** Features this request needs that no policy grants by default. */
  default java.util.List<OptIn> optIns() {
    return java.util.List.of();
  }

  record Validator(SigningRequest message, Bytes32 signingRoot, BlsPublicKey key) implements PolicySubject {
    public Validator {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(signingRoot, "signingRoot");
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String keyId() {
      return key.toHex();
    }

    @Override
    public String digestHex() {
      return signingRoot.toHex();
    }

    @Override
    public String typeName() {
      return message.type().name();
    }
  }

  record Evm(EvmSigningRequest request, Address address) implements PolicySubject {
    public Evm {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(address, "address");
    }

    @Override
    public String keyId() {
      return address.lowerHex();
    }

    @Override
    public String digestHex() {
      return Hex.encode(request.digest());
    }

    @Override
    public String typeName() {
      return "EVM_" + request.kind().toUpperCase(java.util.Locale.ROOT);
    }

    @Override
    public java.util.List<OptIn> optIns() {
      return dev.palisade.policy.evm.EvmSigningRules.optIns(request);
    }
  }
}
