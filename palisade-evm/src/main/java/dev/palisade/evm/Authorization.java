package dev.palisade.evm;

import java.math.BigInteger;
import java.util.List;

/**
 * One signed EIP-7702 authorization tuple as the client sends it: the account (its signer) delegates its
 * code to {@code address} on {@code chainId} (0 = any chain) at account nonce {@code nonce}. A policy
 * decides on {@code address}, the delegate.
 */
public record Authorization(
    BigInteger chainId, Address address, BigInteger nonce, int yParity, BigInteger r, BigInteger s) {

  List<Object> rlpItem() {
    return List.of(chainId, address.bytes(), nonce, BigInteger.valueOf(yParity), r, s);
  }
}
