package dev.palisade.server.keys;

import dev.palisade.auth.AuthConflictException;
import dev.palisade.auth.EvmKeyOwners;
import dev.palisade.auth.OperatorId;
import dev.palisade.crypto.KeystoreException;
import dev.palisade.crypto.Secp256k1SecretKey;
import dev.palisade.crypto.V3Keystore;
import dev.palisade.evm.Address;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.keys.EvmKeySealer;
import dev.palisade.vault.seal.SealedEvmKey;
import dev.palisade.vault.seal.SealedKeyException;
import dev.palisade.vault.store.SealedEvmKeyStore;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secp256k1 (EVM) side of {@link KeyRegistry}: the one place an EVM key comes in (generated in
 * this process's vault, or imported from a v3 keystore) or leaves. The order is the BLS import's:
 * claim ownership for the caller's operator (refused if another operator owns the address) → seal
 * under the operator's KEK and store → hand to the vault. A secret is never exported.
 */
public final class EvmKeys {
  private static final Logger LOG = LoggerFactory.getLogger(EvmKeys.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Why a lifecycle change was refused; the API maps {@code conflict} to 409, others to 400. */
  public static final class EvmKeyException extends Exception {
    private final boolean conflict;

    EvmKeyException(String message, boolean conflict) {
      super(message, null, false, false);
      this.conflict = conflict;
    }

    public boolean conflict() {
      return conflict;
    }
  }

  /** Null when a vault process holds the keys: then they are listed and adopted, not managed here. */
  private final InProcessVault vault;
  private final dev.palisade.vault.Vault signer;
  private final EvmKeyOwners owners;
  private final OperatorKeks keks;
  private final LifecycleAudit audit;

  EvmKeys(InProcessVault vault, dev.palisade.vault.Vault signer, EvmKeyOwners owners, OperatorKeks keks,
      LifecycleAudit audit) {
    this.vault = vault;
    this.signer = signer;
    this.owners = owners;
    this.keks = keks;
    this.audit = audit;
  }

  /** Decrypts a Web3 Secret Storage v3 keystore and adopts its key for the actor's operator. */
  public Address importKeystore(Actor actor, String keystoreJson, String password) throws EvmKeyException {
    Secp256k1SecretKey key;
    try {
      key = V3Keystore.parse(keystoreJson).decrypt(password);
    } catch (KeystoreException e) {
      throw new EvmKeyException(e.getMessage(), false);
    }
    return adopt(actor, key, "EVM_KEY_IMPORT");
  }

  /** A new key made here, inside the vault's process; only its address leaves. */
  public Address generate(Actor actor) throws EvmKeyException {
    return adopt(actor, Secp256k1SecretKey.generate(RANDOM), "EVM_KEY_GENERATE");
  }

  private synchronized Address adopt(Actor actor, Secp256k1SecretKey key, String event) throws EvmKeyException {
    boolean handed = false;
    try {
      if (vault == null) {
        throw new EvmKeyException("keys are managed by the vault process; manage them there", false);
      }
      OperatorId operator = actor.operator();
      if (operator.equals(OperatorId.ROOT)) {
        throw new EvmKeyException("the root operator administers; it holds no keys", false);
      }
      Address address = key.address();
      Optional<OperatorId> owner = owners.ownerOf(address.lowerHex());
      if (owner.isPresent() && !owner.get().equals(operator)) {
        throw new EvmKeyException("this key is managed by another operator", true);
      }
      if (vault.evm().holds(address)) {
        throw new EvmKeyException("key already active", true);
      }
      Optional<SealedKeys> sealed = keks.of(operator);
      if (sealed.isEmpty() && keks.durable()) {
        throw new EvmKeyException("operator '" + operator + "' has no key-wrapping key on this node", false);
      }
      try {
        owners.assign(address.lowerHex(), operator);
      } catch (AuthConflictException e) {
        throw new EvmKeyException("this key is managed by another operator", true);
      }
      if (sealed.isPresent()) {
        try {
          SealedEvmKey record = EvmKeySealer.seal(key, sealed.get().operator(), sealed.get().kek().orElseThrow());
          new SealedEvmKeyStore(sealed.get().store()).insert(record);
        } catch (SealedKeyException | RuntimeException e) {
          if (owner.isEmpty()) {
            owners.unassign(address.lowerHex());
          }
          throw new EvmKeyException("cannot seal the key: " + e.getMessage(), false);
        }
      }
      handed = vault.evm().add(key);
      audit.record(actor, null, event, "secp256k1 " + address
          + (sealed.isPresent() ? ", sealed under the operator's KEK" : ", held in memory only (no KEK configured)"));
      return address;
    } finally {
      if (!handed) {
        key.close();
      }
    }
  }

  /** Opens every sealed EVM key of the operators whose KEK this node holds (at start). */
  public int loadSealed() {
    if (vault == null) {
      return 0;
    }
    int opened = 0;
    for (SealedKeys sealed : keks.all()) {
      for (SealedEvmKey record : new SealedEvmKeyStore(sealed.store()).list(sealed.operator())) {
        try {
          if (vault.evm().add(EvmKeySealer.open(record, sealed.ring()))) {
            opened++;
          }
        } catch (SealedKeyException e) {
          LOG.warn("sealed EVM key {} did not open: {}", record.address(), e.getMessage());
        }
      }
    }
    return opened;
  }

  /** The accounts this node holds that belong to {@code operator}, in address order. */
  public List<Address> list(OperatorId operator) {
    Set<String> owned = new HashSet<>(owners.addressesOf(operator));
    return signer.evmAddresses().stream()
        .filter(a -> owned.contains(a.lowerHex()))
        .sorted(Comparator.comparing(Address::lowerHex))
        .toList();
  }

  /** Accounts a vault process holds belong to {@code operator} unless another operator owns them. */
  void adoptVaultKeys(OperatorId operator) {
    for (Address address : signer.evmAddresses()) {
      if (owners.ownerOf(address.lowerHex()).isEmpty()) {
        owners.assign(address.lowerHex(), operator);
      }
    }
  }

  /** Stops signing with the key, wipes it and deletes its sealed record; false if not the actor's. */
  public synchronized boolean delete(Actor actor, Address address) {
    Optional<OperatorId> owner = owners.ownerOf(address.lowerHex());
    if (owner.isEmpty() || !owner.get().equals(actor.operator())) {
      return false;
    }
    boolean held = vault != null && vault.evm().remove(address);
    boolean stored = keks.of(actor.operator())
        .map(s -> new SealedEvmKeyStore(s.store()).delete(address)).orElse(false);
    if (held || stored) {
      audit.record(actor, null, "EVM_KEY_DELETE", "secp256k1 " + address + " deleted");
    }
    return held || stored;
  }
}
