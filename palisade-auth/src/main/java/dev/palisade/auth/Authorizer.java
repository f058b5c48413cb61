package dev.palisade.auth;

import dev.palisade.eth2.BlsPublicKey;
import java.util.Collection;
import java.util.List;

/**
 * Decides what an authenticated identity may do. A key is visible to an identity only when the
 * identity's operator owns it and the identity's key list (if it has one) names it; keys owned by no
 * operator are visible to no one. Scope is checked before visibility, so the answer for a missing
 * scope (403) is the same whatever key was asked for, and an invisible key is indistinguishable
 * from a key that does not exist (404).
 */
public final class Authorizer {
  private final IdentityStore store;

  private final EvmKeyOwners evmOwners;

  public Authorizer(IdentityStore store) {
    this.store = store;
    this.evmOwners = new EvmKeyOwners(store);
  }

  /**
   * An operation on one secp256k1 key (by 0x address): scope first, then visibility. An EVM key is
   * visible when the identity's operator owns it and the identity has no key list (a list names
   * validator keys: an identity restricted to some validators holds no accounts).
   */
  public AccessDecision authorizeEvm(Identity identity, Scope required, String address) {
    if (!identity.scopes().grants(required)) {
      return new AccessDecision.Forbidden(required);
    }
    return canSeeEvm(identity, address) ? AccessDecision.ALLOWED : AccessDecision.NOT_VISIBLE;
  }

  public boolean canSeeEvm(Identity identity, String address) {
    return identity.allowedKeys().isEmpty()
        && evmOwners.ownerOf(address).map(identity.operator()::equals).orElse(false);
  }

  /** Listing EVM accounts needs {@code keys:read} or any {@code sign:evm:*} scope. */
  public boolean canListEvmKeys(Identity identity) {
    return identity.scopes().grants(Scope.KEYS_READ)
        || identity.scopes().held().stream().anyMatch(s -> s.wireName().startsWith("sign:evm:"));
  }

  /** An operation on one key, e.g. signing: scope first, then visibility. */
  public AccessDecision authorize(Identity identity, Scope required, BlsPublicKey key) {
    if (!identity.scopes().grants(required)) {
      return new AccessDecision.Forbidden(required);
    }
    return canSee(identity, key) ? AccessDecision.ALLOWED : AccessDecision.NOT_VISIBLE;
  }

  /**
   * Signing with a Web3Signer type name (e.g. {@code ATTESTATION}).
   *
   * @throws IllegalArgumentException for a name that is not a signing type (the request parser
   *     should have refused it already, as a 400)
   */
  public AccessDecision authorizeSigning(Identity identity, String signingType, BlsPublicKey key) {
    Scope required =
        SigningScopes.requiredFor(signingType)
            .orElseThrow(() -> new IllegalArgumentException("not a signing type"));
    return authorize(identity, required, key);
  }

  /** An operation on no particular key (list keys, import, admin). */
  public AccessDecision authorize(Identity identity, Scope required) {
    return identity.scopes().grants(required)
        ? AccessDecision.ALLOWED
        : new AccessDecision.Forbidden(required);
  }

  /**
   * Listing public keys ({@code GET /api/v1/eth2/publicKeys}) needs {@code keys:read} or any signing
   * scope: a validator client asks which keys it can use before it signs.
   */
  public boolean canListKeys(Identity identity) {
    return identity.scopes().grants(Scope.KEYS_READ)
        || identity.scopes().held().stream()
            .anyMatch(s -> s.isSigning() || s == Scope.VALIDATE);
  }

  public boolean canSee(Identity identity, BlsPublicKey key) {
    return store.latestSnapshot().ownerOf(key).map(identity.operator()::equals).orElse(false)
        && identity.keyListAdmits(key);
  }

  /** The subset of {@code keys} (e.g. every loaded key) this identity may see, in the given order. */
  public List<BlsPublicKey> visibleKeys(Identity identity, Collection<BlsPublicKey> keys) {
    return keys.stream().filter(k -> canSee(identity, k)).toList();
  }
}
