package dev.palisade.server.evm;

import dev.palisade.auth.Identity;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.server.signing.PolicyDecision;

/**
 * The hook for EVM spending policies (issue 12's engine plugs in here): called after scope and
 * visibility, before the vault, with the typed request — a transaction's chain id, to (null: creation),
 * value, data and {@code erc20Call()}, gas limit, fees and {@code maxGasCost()}, authorization list; an
 * EIP-712 document's {@code eip712Domain()}; an EIP-191 message; raw data. A policy that records
 * state (value spent per window) must have made it durable before it allows. A denial is HTTP 412
 * {@code {"rule"}} (JSON-RPC -32000 with {@code data.rule}); an exception is a refusal too (fail closed).
 */
@FunctionalInterface
public interface EvmPolicy {
  PolicyDecision evaluate(Identity caller, Address account, EvmSigningRequest request);
}
