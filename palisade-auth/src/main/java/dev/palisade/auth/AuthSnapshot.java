package dev.palisade.auth;

import dev.palisade.eth2.BlsPublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable in-memory view of the active identities and key ownership at one store revision, so
 * authentication and authorization never wait on the database.
 */
final class AuthSnapshot {
  record SecretEntry(Identity identity, byte[] hash) {}

  record NetworkEntry(Cidr network, Identity identity) {}

  record CaEntry(Fingerprint caFingerprint, Identity identity) {}

  final long revision;
  private final Map<Fingerprint, Identity> byCertFingerprint = new HashMap<>();
  private final Map<String, List<CaEntry>> byCanonicalSubject = new HashMap<>();
  private final Map<String, SecretEntry> tokensByHashHex = new HashMap<>();
  private final Map<IdentityId, SecretEntry> basicByName = new HashMap<>();
  private final List<NetworkEntry> networks = new ArrayList<>();
  private final Map<BlsPublicKey, OperatorId> keyOwners;

  AuthSnapshot(long revision, List<StoredIdentity> active, Map<BlsPublicKey, OperatorId> keyOwners) {
    this.revision = revision;
    this.keyOwners = Map.copyOf(keyOwners);
    for (StoredIdentity stored : active) {
      Identity identity = stored.identity();
      Credential credential = identity.credential();
      if (credential instanceof Credential.CertFingerprint c) {
        byCertFingerprint.put(c.fingerprint(), identity);
      } else if (credential instanceof Credential.CertIssuedBy c) {
        byCanonicalSubject
            .computeIfAbsent(c.subjectDn(), k -> new ArrayList<>())
            .add(new CaEntry(c.caFingerprint(), identity));
      } else if (credential instanceof Credential.BearerToken) {
        stored
            .secretHash()
            .ifPresent(
                h -> tokensByHashHex.put(HexFormat.of().formatHex(h), new SecretEntry(identity, h)));
      } else if (credential instanceof Credential.BasicSecret) {
        stored.secretHash().ifPresent(h -> basicByName.put(identity.id(), new SecretEntry(identity, h)));
      } else if (credential instanceof Credential.NetworkAddress n) {
        n.networks().forEach(cidr -> networks.add(new NetworkEntry(cidr, identity)));
      }
    }
  }

  static AuthSnapshot empty() {
    return new AuthSnapshot(-1, List.of(), Map.of());
  }

  Optional<Identity> byCertFingerprint(Fingerprint fingerprint) {
    return Optional.ofNullable(byCertFingerprint.get(fingerprint));
  }

  List<CaEntry> bySubject(String canonicalSubject) {
    return byCanonicalSubject.getOrDefault(canonicalSubject, List.of());
  }

  Optional<SecretEntry> tokenByHashHex(String hashHex) {
    return Optional.ofNullable(tokensByHashHex.get(hashHex));
  }

  Optional<SecretEntry> basicByName(IdentityId id) {
    return Optional.ofNullable(basicByName.get(id));
  }

  List<NetworkEntry> networks() {
    return networks;
  }

  Optional<OperatorId> ownerOf(BlsPublicKey key) {
    return Optional.ofNullable(keyOwners.get(key));
  }
}
