package dev.palisade.auth;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which operator owns each secp256k1 (EVM) key, by lower-case 0x address: set once when the key comes
 * in, like {@code auth_key_owner} for BLS keys. Read from the database on each check (no snapshot),
 * so an owner change is seen at once by every instance; a store that cannot be read denies.
 */
public final class EvmKeyOwners {
  private final IdentityStore store;

  public EvmKeyOwners(IdentityStore store) {
    this.store = store;
  }

  /** Makes {@code operator} the owner; refused when another operator owns the address. */
  public void assign(String address, OperatorId operator) {
    String id = normalize(address);
    store.write(c -> {
      if (!IdentityStore.operatorExists(c, operator)) {
        throw new AuthConflictException("operator " + operator + " does not exist");
      }
      Optional<OperatorId> owner = ownerOf(c, id);
      if (owner.isPresent()) {
        if (owner.get().equals(operator)) {
          return false;
        }
        throw new AuthConflictException("key " + id + " is assigned to another operator");
      }
      try (PreparedStatement ps = c.prepareStatement(
          "insert into auth_evm_key_owner (address, operator_id, assigned_at_ms) values (?, ?, ?)")) {
        ps.setString(1, id);
        ps.setString(2, operator.value());
        ps.setLong(3, System.currentTimeMillis());
        ps.executeUpdate();
      }
      return true;
    });
  }

  public boolean unassign(String address) {
    String id = normalize(address);
    return store.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("delete from auth_evm_key_owner where address = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate() == 1;
      }
    });
  }

  public Optional<OperatorId> ownerOf(String address) {
    String id = normalize(address);
    return store.read(c -> ownerOf(c, id));
  }

  public List<String> addressesOf(OperatorId operator) {
    return store.read(c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "select address from auth_evm_key_owner where operator_id = ? order by address")) {
        ps.setString(1, operator.value());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
      }
      return out;
    });
  }

  private static Optional<OperatorId> ownerOf(java.sql.Connection c, String id) throws java.sql.SQLException {
    try (PreparedStatement ps = c.prepareStatement("select operator_id from auth_evm_key_owner where address = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(OperatorId.of(rs.getString(1))) : Optional.empty();
      }
    }
  }

  private static String normalize(String address) {
    if (address == null || !address.matches("0[xX][0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException("an EVM key id is a 0x-prefixed 20-byte address");
    }
    return address.toLowerCase(Locale.ROOT);
  }
}
