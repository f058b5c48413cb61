package dev.palisade.vault;

import dev.palisade.crypto.BlsSignature;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.signing.SigningRequest;
import java.util.Set;

/**
 * The only component that holds clear secret keys. Its interface is deliberately tiny and typed: it
 * signs a typed message (recomputing the signing root itself) and never raw bytes, so it can move
 * into its own process without widening what a compromised API tier could ask of it.
 */
public interface Vault extends AutoCloseable {

  /** The public keys this vault can sign with, at this instant. */
  Set<BlsPublicKey> publicKeys();

  boolean holds(BlsPublicKey key);

  /**
   * Signs the typed message with the key. Callers must have passed the message through the signing
   * policies first; the vault does not know about slashing history.
   *
   * @throws UnknownKeyException if the vault holds no such key (it may have just been removed)
   */
  BlsSignature sign(BlsPublicKey key, SigningRequest request, Network network);

  @Override
  void close();
}
