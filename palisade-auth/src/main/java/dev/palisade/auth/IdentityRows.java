package dev.palisade.auth;

import dev.palisade.eth2.BlsPublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads identities and key ownership from the auth tables. */
final class IdentityRows {
  private static final String ACTIVE_ONLY = " where revoked_at_ms is null";

  private IdentityRows() {}

  static List<StoredIdentity> load(Connection c, boolean activeOnly) throws SQLException {
    Map<String, List<Cidr>> cidrs = new HashMap<>();
    try (PreparedStatement ps =
            c.prepareStatement("select identity_id, cidr from auth_identity_cidr");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        cidrs.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(Cidr.parse(rs.getString(2)));
      }
    }
    Map<String, Set<BlsPublicKey>> keys = new HashMap<>();
    try (PreparedStatement ps =
            c.prepareStatement("select identity_id, pubkey from auth_identity_key");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        keys.computeIfAbsent(rs.getString(1), k -> new HashSet<>())
            .add(BlsPublicKey.fromHex(rs.getString(2)));
      }
    }
    List<StoredIdentity> out = new ArrayList<>();
    String sql =
        "select identity_id, operator_id, identity_type, scopes, key_restricted, cert_sha256,"
            + " ca_sha256, subject_dn, secret_sha256, created_at_ms, revoked_at_ms from auth_identity"
            + (activeOnly ? ACTIVE_ONLY : "")
            + " order by identity_id";
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(row(rs, cidrs, keys));
      }
    }
    return out;
  }

  private static StoredIdentity row(
      ResultSet rs, Map<String, List<Cidr>> cidrs, Map<String, Set<BlsPublicKey>> keys)
      throws SQLException {
    String id = rs.getString("identity_id");
    IdentityType type = IdentityType.parse(rs.getString("identity_type"));
    String certSha = rs.getString("cert_sha256");
    Credential credential =
        switch (type) {
          case CERT ->
              certSha != null
                  ? new Credential.CertFingerprint(new Fingerprint(certSha))
                  : new Credential.CertIssuedBy(
                      new Fingerprint(rs.getString("ca_sha256")), rs.getString("subject_dn"));
          case TOKEN -> new Credential.BearerToken();
          case BASIC -> new Credential.BasicSecret();
          case NETWORK -> new Credential.NetworkAddress(cidrs.getOrDefault(id, List.of()));
        };
    Optional<Set<BlsPublicKey>> allowed =
        rs.getInt("key_restricted") != 0
            ? Optional.of(keys.getOrDefault(id, Set.of()))
            : Optional.empty();
    long revoked = rs.getLong("revoked_at_ms");
    Optional<Instant> revokedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(revoked));
    Identity identity =
        new Identity(
            IdentityId.of(id),
            OperatorId.of(rs.getString("operator_id")),
            credential,
            Scopes.parse(rs.getString("scopes")),
            allowed,
            Instant.ofEpochMilli(rs.getLong("created_at_ms")),
            revokedAt);
    String secret = rs.getString("secret_sha256");
    return new StoredIdentity(
        identity, Optional.ofNullable(secret).map(h -> HexFormat.of().parseHex(h)));
  }

  static Map<BlsPublicKey, OperatorId> keyOwners(Connection c) throws SQLException {
    Map<BlsPublicKey, OperatorId> owners = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("select pubkey, operator_id from auth_key_owner");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        owners.put(BlsPublicKey.fromHex(rs.getString(1)), OperatorId.of(rs.getString(2)));
      }
    }
    return owners;
  }

  static long revision(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select revision from auth_revision where id = 1");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("auth_revision row is missing");
      }
      return rs.getLong(1);
    }
  }
}
