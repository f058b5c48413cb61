package dev.palisade.vault;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.BlsSignature;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.signing.SigningRequest;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A vault inside the server's own process: keys live in this JVM's heap. */
public final class InProcessVault implements Vault {
  private final ConcurrentHashMap<BlsPublicKey, BlsSecretKey> keys = new ConcurrentHashMap<>();

  /** Takes ownership of the keys; a key already held is closed and the first copy kept. */
  public void addAll(Collection<BlsSecretKey> secretKeys) {
    for (BlsSecretKey secretKey : secretKeys) {
      add(secretKey);
    }
  }

  /** Takes ownership of the key. Returns false (and closes it) when the key is already held. */
  public boolean add(BlsSecretKey secretKey) {
    BlsSecretKey previous = keys.putIfAbsent(secretKey.publicKey(), secretKey);
    if (previous != null) {
      secretKey.close();
      return false;
    }
    return true;
  }

  /** Stops signing with the key and zeroes it. Returns false if it was not held. */
  public boolean remove(BlsPublicKey key) {
    BlsSecretKey removed = keys.remove(key);
    if (removed == null) {
      return false;
    }
    removed.close();
    return true;
  }

  @Override
  public Set<BlsPublicKey> publicKeys() {
    return Set.copyOf(keys.keySet());
  }

  @Override
  public boolean holds(BlsPublicKey key) {
    return keys.containsKey(key);
  }

  @Override
  public BlsSignature sign(BlsPublicKey key, SigningRequest request, Network network) {
    BlsSecretKey secretKey = keys.get(key);
    if (secretKey == null) {
      throw new UnknownKeyException(key);
    }
    return secretKey.sign(request.signingRoot(network));
  }

  @Override
  public void close() {
    keys.values().forEach(BlsSecretKey::close);
    keys.clear();
  }
}
