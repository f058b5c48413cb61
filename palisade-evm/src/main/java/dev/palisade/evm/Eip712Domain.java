package dev.palisade.evm;

import java.math.BigInteger;

/**
 * The EIP-712 domain fields a policy decides on (any may be null when the domain omits it): a
 * signature is bound to its chain id and verifying contract.
 */
public record Eip712Domain(
    String name, String version, BigInteger chainId, Address verifyingContract, byte[] salt) {}
