package dev.palisade.vault;

import dev.palisade.crypto.Secp256k1SecretKey;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmSignature;
import dev.palisade.evm.EvmSigningRequest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The secp256k1 keys of an {@link InProcessVault}. As for BLS keys, signing holds a key's read lock
 * and removal its write lock, so a key is never wiped mid-signature. The digest is computed here from
 * the typed request, outside the lock.
 */
public final class EvmKeyRing {
  private static final class Held {
    final Secp256k1SecretKey key;
    final ReentrantReadWriteLock life = new ReentrantReadWriteLock();
    boolean removed;

    Held(Secp256k1SecretKey key) {
      this.key = key;
    }
  }

  private final ConcurrentHashMap<Address, Held> keys = new ConcurrentHashMap<>();

  /** Takes ownership of the key; false (and the key is closed) when its address is already held. */
  public boolean add(Secp256k1SecretKey key) {
    if (keys.putIfAbsent(key.address(), new Held(key)) != null) {
      key.close();
      return false;
    }
    return true;
  }

  public boolean remove(Address address) {
    Held held = keys.remove(address);
    if (held == null) {
      return false;
    }
    held.life.writeLock().lock();
    try {
      held.removed = true;
      held.key.close();
    } finally {
      held.life.writeLock().unlock();
    }
    return true;
  }

  public Set<Address> addresses() {
    return Set.copyOf(keys.keySet());
  }

  public boolean holds(Address address) {
    return keys.containsKey(address);
  }

  public EvmSignature sign(Address address, EvmSigningRequest request) {
    if (!keys.containsKey(address)) {
      throw new UnknownEvmKeyException(address);
    }
    byte[] digest = request.digest();
    Held held = keys.get(address);
    if (held == null) {
      throw new UnknownEvmKeyException(address);
    }
    held.life.readLock().lock();
    try {
      if (held.removed) {
        throw new UnknownEvmKeyException(address);
      }
      return held.key.sign(digest);
    } finally {
      held.life.readLock().unlock();
    }
  }

  void closeAll() {
    addresses().forEach(this::remove);
  }
}
