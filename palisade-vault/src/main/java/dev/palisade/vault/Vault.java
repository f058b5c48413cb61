package dev.palisade.vault;

import dev.palisade.crypto.BlsSignature;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmSignature;
import dev.palisade.evm.EvmSigningRequest;
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
   * Whether {@link #holds} and signing are answered in this process, by CPU work alone: callers on threads that may
   * not block (event loops) may then call them. A vault in another process waits on its socket.
   */
  default boolean answersInProcess() {
    return true;
  }

  /**
   * Signs the typed message with the key. Callers must have passed the message through the signing
   * policies first; the vault does not know about slashing history, but it may keep its own
   * high-watermarks and refuse a message below them.
   *
   * @throws UnknownKeyException if the vault holds no such key (it may have just been removed)
   * @throws VaultRefusedException if the message is below one of the vault's watermarks
   * @throws UnsupportedOperationException from a vault in another process, which needs the
   *     original request body: use {@link #sign(BlsPublicKey, byte[], SigningRequest, Network)}
   */
  BlsSignature sign(BlsPublicKey key, SigningRequest request, Network network);

  /**
   * Signs a Web3Signer signing request given both as its original JSON body and decoded. An
   * in-process vault signs {@code decoded}; a vault in another process ({@code RemoteVault}) sends
   * {@code requestJson}, which the vault decodes and hashes itself with its own network (it never
   * accepts a bare root), and ignores {@code decoded} and {@code network}.
   *
   * @throws UnknownKeyException if the vault holds no such key
   * @throws VaultRefusedException if the message is below one of the vault's watermarks
   */
  default BlsSignature sign(
      BlsPublicKey key, byte[] requestJson, SigningRequest decoded, Network network) {
    return sign(key, decoded, network);
  }

  /**
   * As {@link #sign(BlsPublicKey, byte[], SigningRequest, Network)}, for a caller of {@code tenant}: a vault
   * that shares work between signatures of one message (see {@code HashToCurveCache}) shares it only within
   * one tenant, so no tenant can time another's signatures.
   */
  default BlsSignature sign(
      BlsPublicKey key, byte[] requestJson, SigningRequest decoded, Network network, String tenant) {
    return sign(key, requestJson, decoded, network);
  }

  /** The secp256k1 (EVM) accounts this vault can sign for. */
  default Set<Address> evmAddresses() {
    return Set.of();
  }

  /**
   * Signs a typed EVM request (transaction, EIP-191 message, EIP-712 document, or raw data under
   * {@code sign:evm:raw}) with the account's key; the digest is computed from the request here.
   *
   * @throws UnknownEvmKeyException if the vault holds no such key
   */
  default EvmSignature signEvm(Address address, EvmSigningRequest request) {
    throw new UnknownEvmKeyException(address);
  }

  @Override
  void close();
}
