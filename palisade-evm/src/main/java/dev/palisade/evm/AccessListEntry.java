package dev.palisade.evm;

import java.util.ArrayList;
import java.util.List;

/** One EIP-2930 access list entry: an address and the storage keys (32 bytes each) it touches. */
public record AccessListEntry(Address address, List<byte[]> storageKeys) {
  public AccessListEntry {
    storageKeys = List.copyOf(storageKeys);
  }

  List<Object> rlpItem() {
    return List.of(address.bytes(), new ArrayList<Object>(storageKeys));
  }
}
