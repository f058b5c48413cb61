package dev.palisade.vault;

import dev.palisade.evm.Address;

/** The vault holds no secp256k1 key with this address. */
public final class UnknownEvmKeyException extends RuntimeException {
  private final transient Address address;

  public UnknownEvmKeyException(Address address) {
    super("no EVM key loaded for " + address, null, false, false);
    this.address = address;
  }

  public Address address() {
    return address;
  }
}
